import path from 'node:path';
import type { YamlFile } from './collectYamlFiles';
import { layoutLocationOf } from './layoutLocation';

const base = path.resolve('/checkouts');

function file(relative: string): YamlFile {
  return {
    absolutePath: path.join(base, relative),
    displayPath: relative,
    base,
    segments: relative.split('/'),
    explicit: false,
  };
}

describe('layoutLocationOf', () => {
  it('finds the repository path and the checkout root of a file at layout depth', () => {
    expect(layoutLocationOf(file('workspaces/team-a/alice-dev.yaml'))).toEqual({
      root: base,
      repoPath: 'workspaces/team-a/alice-dev.yaml',
    });
  });

  it('infers the checkout root of each layout below a shared folder', () => {
    expect(
      layoutLocationOf(file('platform/pipelines/team-a/app-logs.yaml')),
    ).toEqual({
      root: path.join(base, 'platform'),
      repoPath: 'pipelines/team-a/app-logs.yaml',
    });
    // a checkout named like a kind folder, holding that kind folder
    expect(
      layoutLocationOf(file('workspaces/workspaces/team-a/alice-dev.yaml')),
    ).toEqual({
      root: path.join(base, 'workspaces'),
      repoPath: 'workspaces/team-a/alice-dev.yaml',
    });
  });

  it('takes a namespace named like a kind folder as a namespace', () => {
    expect(layoutLocationOf(file('workspaces/pipelines/x.yaml'))).toEqual({
      root: base,
      repoPath: 'workspaces/pipelines/x.yaml',
    });
  });

  it('gives files too deep or too shallow in a kind folder their path from the checkout root', () => {
    expect(
      layoutLocationOf(file('workspaces/team-a/old/alice-dev.yaml')),
    ).toEqual({
      root: base,
      repoPath: 'workspaces/team-a/old/alice-dev.yaml',
    });
    expect(layoutLocationOf(file('platform/artifacts/vpc.yaml'))).toEqual({
      root: path.join(base, 'platform'),
      repoPath: 'artifacts/vpc.yaml',
    });
  });

  it('leaves files outside the kind folders to the checkout the argument names', () => {
    expect(layoutLocationOf(file('docs/example.yaml'))).toEqual({ root: base });
    expect(layoutLocationOf(file('top.yaml'))).toEqual({ root: base });
  });
});
