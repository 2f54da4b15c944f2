import type { FileContent, TreeEntry } from '@butler-portal/plugin-gitops-node';
import { desiredState } from '../reconciler/desiredState';
import { workspaceYaml } from '../reconciler/testing/resources';
import {
  RenderRefusedError,
  renderManifest,
  type RenderStep,
} from './renderStep';

function provider(files: Record<string, string>) {
  return {
    async listTree(): Promise<TreeEntry[]> {
      return Object.keys(files).map(path => ({ path, sha: `blob-${path}` }));
    },
    async readFile(path: string): Promise<FileContent | undefined> {
      return path in files
        ? { path, content: files[path], sha: `blob-${path}` }
        : undefined;
    },
  };
}

describe('render steps in desiredState', () => {
  const files = {
    'workspaces/team-a/dev.yaml': workspaceYaml('dev'),
    'workspaces/team-a/ops.yaml': workspaceYaml('ops'),
  };

  it('hands the step the file it renders and records the commit on each object', async () => {
    const seen: Array<{ path?: string; blob?: string; content?: string }> = [];
    const render: RenderStep = (resource, ref, source) => {
      seen.push({
        path: source?.path,
        blob: source?.blob,
        content: source?.content,
      });
      return renderManifest(resource, ref);
    };
    const state = await desiredState(provider(files), 'c1', { render });
    expect(seen).toEqual([
      {
        path: 'workspaces/team-a/dev.yaml',
        blob: 'blob-workspaces/team-a/dev.yaml',
        content: files['workspaces/team-a/dev.yaml'],
      },
      {
        path: 'workspaces/team-a/ops.yaml',
        blob: 'blob-workspaces/team-a/ops.yaml',
        content: files['workspaces/team-a/ops.yaml'],
      },
    ]);
    expect(state.objects.map(o => o.revision)).toEqual(['c1', 'c1']);
  });

  it('makes a refused resource an invalid file with the located issues, keeping the others', async () => {
    const render: RenderStep = (resource, ref, source) => {
      if (ref.name === 'ops') {
        throw new RenderRefusedError('refused', [
          {
            path: '/spec/image',
            line: 9,
            column: 10,
            message: 'spec.image: not allowed here',
          },
        ]);
      }
      return renderManifest(resource, ref, source);
    };
    const state = await desiredState(provider(files), 'c2', { render });
    expect(state.objects.map(o => o.ref.name)).toEqual(['dev']);
    expect(state.invalidFiles).toEqual([
      {
        path: 'workspaces/team-a/ops.yaml',
        ref: { kind: 'Workspace', namespace: 'team-a', name: 'ops' },
        issues: [
          {
            file: 'workspaces/team-a/ops.yaml',
            path: '/spec/image',
            line: 9,
            column: 10,
            message: 'spec.image: not allowed here',
          },
        ],
      },
    ]);
  });

  it('reports a step that fails unexpectedly as an invalid file, not a failed sync', async () => {
    const render: RenderStep = () => {
      throw new Error('boom');
    };
    const state = await desiredState(
      provider({
        'workspaces/team-a/dev.yaml': files['workspaces/team-a/dev.yaml'],
      }),
      'c3',
      { render },
    );
    expect(state.objects).toEqual([]);
    expect(state.invalidFiles).toEqual([
      {
        path: 'workspaces/team-a/dev.yaml',
        ref: { kind: 'Workspace', namespace: 'team-a', name: 'dev' },
        issues: [
          {
            file: 'workspaces/team-a/dev.yaml',
            path: '',
            line: 1,
            column: 1,
            message: 'cannot be rendered: boom',
          },
        ],
      },
    ]);
  });
});
