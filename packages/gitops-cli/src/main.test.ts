import packageJson from '../package.json';
import { tempCheckout } from './testing/cliHarness';

describe('butler-gitops', () => {
  let checkout: ReturnType<typeof tempCheckout>;

  beforeEach(() => {
    checkout = tempCheckout('main');
  });

  afterEach(() => {
    checkout.remove();
  });

  it('prints help with exit code 0', async () => {
    const help = await checkout.run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: butler-gitops');
    expect(help.stdout).toContain('validate [options] [paths...]');
    expect(help.stdout).toContain('render [options] [paths...]');
    const validateHelp = await checkout.run('validate', '--help');
    expect(validateHelp.code).toBe(0);
    expect(validateHelp.stdout).toContain('-f, --format <format>');
  });

  it('prints the version with exit code 0', async () => {
    expect(await checkout.run('--version')).toEqual({
      code: 0,
      stdout: `${packageJson.version}\n`,
      stderr: '',
    });
  });

  it('exits 2 for an unknown option, an unknown command, or no command', async () => {
    const option = await checkout.run('validate', '--colour');
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--colour'");
    const command = await checkout.run('lint');
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'lint'");
    const none = await checkout.run();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: butler-gitops');
  });
});
