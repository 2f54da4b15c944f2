import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkoutProvider } from './checkoutProvider';

describe('checkoutProvider', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-gitops-provider-'));
    for (const [file, text] of Object.entries({
      'workspaces/team-a/alice.yaml': 'kind: Workspace\n',
      'pipelines/team-a/logs.yaml': 'kind: Pipeline\n',
      'README.md': '# readme\n',
      '.github/workflows/validate.yaml': 'on: push\n',
    })) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), text);
    }
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('lists the YAML files of the checkout by repository path', async () => {
    const tree = await checkoutProvider(root).listTree();
    expect(tree.map(e => e.path)).toEqual([
      'pipelines/team-a/logs.yaml',
      'workspaces/team-a/alice.yaml',
    ]);
  });

  it('reads a file with the blob id git gives it', async () => {
    const file = await checkoutProvider(root).readFile(
      'workspaces/team-a/alice.yaml',
    );
    expect(file).toEqual({
      path: 'workspaces/team-a/alice.yaml',
      content: 'kind: Workspace\n',
      // `printf 'kind: Workspace\n' | git hash-object --stdin`
      sha: '3f978027eaa4473872322696c8837362ea821fad',
    });
  });

  it('answers undefined for a file that is not there', async () => {
    expect(
      await checkoutProvider(root).readFile('workspaces/team-a/nobody.yaml'),
    ).toBeUndefined();
  });
});
