import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync, symlinkSync } from 'node:fs';
import { rejectionOf } from '@butler-portal/plugin-gitops-common/testUtils';
import { createLayoutFetchAction, layoutsDirOf } from './layoutFetch';

describe('butler:layout:fetch', () => {
  const mockDir = createMockDirectory();

  beforeEach(() => {
    mockDir.setContent({
      layouts: {
        workspaces: {
          CODEOWNERS: '* @example-org/platform-team\n',
          '.github': {
            workflows: { 'validate.yaml': 'token: ${{ github.token }}\n' },
          },
          workspaces: { 'team-a': { 'dev.yaml': 'kind: Workspace\n' } },
        },
        registry: { 'README.md': '# registry\n' },
        'not-a-layout.txt': 'x',
      },
      workspace: {},
    });
  });

  const action = () =>
    createLayoutFetchAction({ layoutsDir: mockDir.resolve('layouts') });
  const contextFor = (input: Record<string, unknown>) =>
    createMockActionContext({
      input: input as any,
      workspacePath: mockDir.resolve('workspace'),
    });

  it('copies the layout into the workspace unchanged and counts the files', async () => {
    const ctx = contextFor({ layout: 'workspaces' });

    await action().handler(ctx as any);

    expect(
      mockDir.content({ path: 'workspace', shouldReadAsText: true }),
    ).toEqual({
      CODEOWNERS: '* @example-org/platform-team\n',
      '.github': {
        workflows: { 'validate.yaml': 'token: ${{ github.token }}\n' },
      },
      workspaces: { 'team-a': { 'dev.yaml': 'kind: Workspace\n' } },
    });
    expect(ctx.output).toHaveBeenCalledWith('files', 3);
  });

  it('copies into targetPath inside the workspace', async () => {
    await action().handler(
      contextFor({ layout: 'registry', targetPath: 'repo' }) as any,
    );

    expect(
      readFileSync(mockDir.resolve('workspace/repo/README.md'), 'utf8'),
    ).toBe('# registry\n');
  });

  it.each(['../layouts', 'nope', 'not-a-layout.txt', '.'])(
    'refuses %j, listing the layouts there are',
    async layout => {
      const error = await rejectionOf(
        action().handler(contextFor({ layout }) as any),
      );

      expect(error.name).toBe('InputError');
      expect(error.message).toBe(
        `layout: unknown layout "${layout}"; ${mockDir.resolve(
          'layouts',
        )} has registry, workspaces`,
      );
    },
  );

  it('refuses a targetPath outside the workspace', async () => {
    const error = await rejectionOf(
      action().handler(
        contextFor({ layout: 'registry', targetPath: '../elsewhere' }) as any,
      ),
    );

    expect(error.message).toBe(
      'Relative path is not allowed to refer to a directory outside its parent',
    );
  });

  it('refuses a layout holding a symbolic link', async () => {
    symlinkSync('/etc/hostname', mockDir.resolve('layouts/registry/leak'));

    const error = await rejectionOf(
      action().handler(contextFor({ layout: 'registry' }) as any),
    );

    expect(error.message).toBe(
      `layout registry: ${mockDir.resolve(
        'layouts/registry/leak',
      )} is a symbolic link; layouts hold plain files only`,
    );
  });

  it("reads gitops.layoutsDir like the gitops backend, relative to the backend's directory", () => {
    expect(
      layoutsDirOf(new ConfigReader({}), '/srv/portal/packages/backend'),
    ).toBe('/srv/portal/repo-layouts');
    expect(
      layoutsDirOf(
        new ConfigReader({ gitops: { layoutsDir: '/opt/layouts' } }),
        '/srv',
      ),
    ).toBe('/opt/layouts');
  });
});
