import { parseAllDocuments } from 'yaml';
import {
  REPO_LAYOUTS,
  runInDir,
  tempCheckout,
  PIPELINE_YAML,
  WORKSPACE_YAML,
} from '../testing/cliHarness';

function objectsOf(stream: string): any[] {
  return parseAllDocuments(stream).map((d: any) => d.toJS());
}

describe('butler-gitops render', () => {
  let checkout: ReturnType<typeof tempCheckout>;

  beforeEach(() => {
    checkout = tempCheckout('render');
  });

  afterEach(() => {
    checkout.remove();
  });

  it('prints the applied kinds as a sorted YAML stream with the managed-by label', async () => {
    checkout.write(
      'workspaces/team-b/bob.yaml',
      WORKSPACE_YAML.replace(/alice-dev/g, 'bob').replace(/team-a/g, 'team-b'),
    );
    checkout.write('workspaces/team-a/alice-dev.yaml', WORKSPACE_YAML);
    checkout.write('pipelines/team-a/logs.yaml', PIPELINE_YAML);
    const result = await checkout.run('render');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('---\n')).toBe(true);
    const objects = objectsOf(result.stdout);
    expect(
      objects.map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual(['Workspace team-a/alice-dev', 'Workspace team-b/bob']);
    expect(objects[0]).toEqual({
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'Workspace',
      metadata: {
        name: 'alice-dev',
        namespace: 'team-a',
        labels: { 'portal.butlerlabs.dev/managed-by': 'butler-portal' },
      },
      spec: {
        owner: 'alice@example.com',
        clusterRef: { name: 'team-a-dev' },
        image: 'golang:1.23',
      },
    });
  });

  it('renders the kinds asked for with --kind, by name or plural', async () => {
    checkout.write('workspaces/team-a/alice-dev.yaml', WORKSPACE_YAML);
    checkout.write('pipelines/team-a/logs.yaml', PIPELINE_YAML);
    const result = await checkout.run(
      'render',
      '--kind',
      'pipelines',
      '--kind',
      'Workspace',
    );
    expect(result.code).toBe(0);
    expect(objectsOf(result.stdout).map(o => o.kind)).toEqual([
      'Pipeline',
      'Workspace',
    ]);
  });

  it('leaves out resources declared outside the kind folders: the reconciler never reads them', async () => {
    checkout.write('examples/alice-dev.yaml', WORKSPACE_YAML);
    expect(await checkout.run('render')).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('renders nothing and exits 1 when any file is invalid', async () => {
    checkout.write('workspaces/team-a/alice-dev.yaml', WORKSPACE_YAML);
    checkout.write(
      'workspaces/team-a/broken.yaml',
      WORKSPACE_YAML.replace('alice-dev', 'broken').replace(
        '  owner: alice@example.com\n',
        '',
      ),
    );
    const result = await checkout.run('render');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^workspaces\/team-a\/broken\.yaml:\d+:\d+: .*owner/,
    );
    expect(result.stderr).toContain('nothing rendered');
  });

  it('narrows the output to the resources under the paths given', async () => {
    checkout.write('workspaces/team-a/alice-dev.yaml', WORKSPACE_YAML);
    checkout.write(
      'workspaces/team-b/bob.yaml',
      WORKSPACE_YAML.replace(/alice-dev/g, 'bob').replace(/team-a/g, 'team-b'),
    );
    const result = await checkout.run('render', 'workspaces/team-b');
    expect(result.code).toBe(0);
    expect(objectsOf(result.stdout).map(o => o.metadata.name)).toEqual(['bob']);
  });

  it('refuses to render part of a checkout that holds an invalid file elsewhere', async () => {
    checkout.write('workspaces/team-a/alice-dev.yaml', WORKSPACE_YAML);
    checkout.write('pipelines/team-a/broken.yaml', 'kind: Pipeline\n');
    const result = await checkout.run('render', 'workspaces');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^pipelines\/team-a\/broken\.yaml:1:1: /);
    expect(result.stderr).toContain('nothing rendered');
  });

  it('renders every applied example of the platform layout', async () => {
    const result = await runInDir(REPO_LAYOUTS, 'render', 'platform');
    expect(result.code).toBe(0);
    expect(
      objectsOf(result.stdout)
        .map(o => o.kind)
        .sort(),
    ).toEqual([
      'TenantAddon',
      'TenantCluster',
      'Workspace',
      'WorkspaceTemplate',
    ]);
  });

  it('exits 2 for an unknown kind', async () => {
    expect(await checkout.run('render', '--kind', 'Gadget')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'butler-gitops: unknown kind "Gadget"; known kinds: Workspace, WorkspaceTemplate, TenantAddon, TenantCluster, Artifact, ArtifactVersion, Pipeline\n',
    });
  });
});
