import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors';
import { collectYamlFiles } from './collectYamlFiles';

function write(root: string, file: string, text = 'a: 1\n') {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

describe('collectYamlFiles', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-gitops-collect-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('walks directories for .yaml and .yml files, skipping dot entries and node_modules', async () => {
    write(root, 'workspaces/team-a/alice.yaml');
    write(root, 'workspaces/team-a/bob.yml');
    write(root, 'workspaces/team-a/notes.txt');
    write(root, 'README.md');
    write(root, '.gitlab-ci.yml');
    write(root, '.github/workflows/validate.yaml');
    write(root, '.vscode/settings.yaml');
    write(root, 'node_modules/pkg/x.yaml');

    const files = await collectYamlFiles(['.'], root);

    expect(files.map(f => f.displayPath)).toEqual([
      'workspaces/team-a/alice.yaml',
      'workspaces/team-a/bob.yml',
    ]);
    expect(files[0]).toEqual({
      absolutePath: path.join(root, 'workspaces/team-a/alice.yaml'),
      displayPath: 'workspaces/team-a/alice.yaml',
      base: root,
      segments: ['workspaces', 'team-a', 'alice.yaml'],
      explicit: false,
    });
  });

  it('defaults to the working directory', async () => {
    write(root, 'pipelines/team-a/logs.yaml');
    const files = await collectYamlFiles([], root);
    expect(files.map(f => f.displayPath)).toEqual([
      'pipelines/team-a/logs.yaml',
    ]);
  });

  it('measures files of a directory inside the working directory from there', async () => {
    write(root, 'workspaces/team-a/alice.yaml');
    const [file] = await collectYamlFiles(['workspaces/team-a'], root);
    expect(file.displayPath).toBe('workspaces/team-a/alice.yaml');
    expect(file.base).toBe(root);
    expect(file.segments).toEqual(['workspaces', 'team-a', 'alice.yaml']);
  });

  it('takes a named file as it is, measured from the working directory, even a dot file', async () => {
    write(root, 'workspaces/team-a/alice.yaml');
    write(root, '.hidden.yaml');
    const files = await collectYamlFiles(
      ['workspaces/team-a/alice.yaml', '.hidden.yaml'],
      root,
    );
    expect(files.map(f => [f.displayPath, f.explicit, f.segments])).toEqual([
      ['.hidden.yaml', true, ['.hidden.yaml']],
      [
        'workspaces/team-a/alice.yaml',
        true,
        ['workspaces', 'team-a', 'alice.yaml'],
      ],
    ]);
  });

  it('lists a file named twice (directly and through its directory) once', async () => {
    write(root, 'workspaces/team-a/alice.yaml');
    const files = await collectYamlFiles(
      ['workspaces/team-a/alice.yaml', '.'],
      root,
    );
    expect(files).toHaveLength(1);
    expect(files[0].explicit).toBe(true);
  });

  it('shows files outside the working directory by their absolute path', async () => {
    write(root, 'elsewhere/workspaces/team-a/alice.yaml');
    const cwd = path.join(root, 'cwd');
    fs.mkdirSync(cwd);
    const [file] = await collectYamlFiles([path.join(root, 'elsewhere')], cwd);
    expect(file.displayPath).toBe(
      path
        .join(root, 'elsewhere/workspaces/team-a/alice.yaml')
        .split(path.sep)
        .join('/'),
    );
    expect(file.segments).toEqual(['workspaces', 'team-a', 'alice.yaml']);
  });

  it('rejects a path that does not exist as a usage error', async () => {
    await expect(collectYamlFiles(['missing'], root)).rejects.toThrow(
      new UsageError('path not found: missing'),
    );
  });
});
