import { isDns1123Label, requireDns1123Label } from './names';
import { thrownBy } from '@butler-portal/plugin-gitops-common/testUtils';

describe('DNS-1123 labels', () => {
  it('accepts Kubernetes names', () => {
    expect(
      ['a', 'team-a', 'alice-dev', '0x1', 'a'.repeat(63)].every(isDns1123Label),
    ).toBe(true);
  });

  it('refuses paths, upper case, dots, edges and over-long names', () => {
    expect(
      [
        '',
        '../x',
        '..',
        'a/b',
        'Team',
        'a.b',
        '-a',
        'a-',
        'a b',
        'a'.repeat(64),
      ].some(isDns1123Label),
    ).toBe(false);
  });

  it('names the parameter in the error', () => {
    expect(
      thrownBy(() => requireDns1123Label('namespace', '../x')),
    ).toMatchObject({
      name: 'InputError',
      message:
        'namespace "../x" is not a DNS-1123 label (lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters)',
    });
    expect(
      thrownBy(() => requireDns1123Label('namespace', ['a', 'b'])).message,
    ).toMatch(/^namespace \["a","b"\] is not a DNS-1123 label/);
    expect(requireDns1123Label('name', 'alice-dev')).toBe('alice-dev');
  });
});
