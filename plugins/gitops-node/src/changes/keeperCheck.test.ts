/*
 * The change check runs Keeper's source rules against the portal's own repositories: a version
 * file whose pinned commit is missing, or holds no module, fails the check and cannot be merged;
 * a valid one passes. Real local repositories on both sides (records and sources).
 */
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import {
  createLocalRepository,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { jane } from '../__testUtils__/actors';
import { ChangeService } from './ChangeService';
import { ResourceValidationError } from './ResourceValidationError';

jest.setTimeout(60_000);
afterEach(removeTempDirs);

const ARTIFACT = `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: Artifact
metadata:
  name: terraform-aws-vpc
  namespace: team-a
spec:
  type: terraform-module
  owner: group:default/team-a
`;

const version = (
  v: string,
  commit: string,
  subdirectory: string,
) => `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: terraform-aws-vpc-${v}
  namespace: team-a
spec:
  artifact: terraform-aws-vpc
  version: ${v}
  source:
    git:
      repository: modules
      url: http://localhost:7007/api/gitops/git/modules.git
      ref: main
      commit: ${commit}
      subdirectory: ${subdirectory}
`;

async function setup() {
  const platformRepo = await createLocalRepository({
    'artifacts/team-a/terraform-aws-vpc.yaml': ARTIFACT,
  });
  const modulesRepo = await createLocalRepository({
    'terraform/aws-vpc/main.tf': 'resource "null_resource" "x" {}\n',
    'docs/README.md': '# docs\n',
  });
  const platform = new LocalGitProvider({
    repository: 'platform',
    dir: platformRepo.dir,
    allowSelfApproval: true,
  });
  const modules = new LocalGitProvider({
    repository: 'modules',
    dir: modulesRepo.dir,
  });
  const service = new ChangeService({
    repositories: [
      {
        id: 'platform',
        provider: platform,
        kinds: ['Artifact', 'ArtifactVersion'],
      },
      { id: 'modules', provider: modules, kinds: [] },
    ],
  });
  const open = async (v: string, commit: string, subdirectory: string) => {
    const change = await platform.openChange({
      branch: `publish/${v}`,
      title: `Publish ${v}`,
      description: '',
      operations: [
        {
          action: 'create',
          path: `artifact-versions/team-a/terraform-aws-vpc-${v}.yaml`,
          content: version(v, commit, subdirectory),
        },
      ],
      actor: jane,
    });
    return `platform:${change.number}`;
  };
  return { service, platform, modules, open };
}

describe('Keeper rules in the change check', () => {
  it('passes a version pinning an existing commit that holds the module', async () => {
    const { service, modules, open } = await setup();
    const id = await open('1.0.0', await modules.head(), 'terraform/aws-vpc');
    expect((await service.getChange(id)).validation).toEqual({
      ok: true,
      issues: [],
    });
  });

  it('reads the sources once per head for the change page, and again when merging', async () => {
    const { service, modules, open } = await setup();
    const id = await open('1.1.0', await modules.head(), 'terraform/aws-vpc');
    const listTree = jest.spyOn(modules, 'listTree');
    expect((await service.getChange(id)).validation).toEqual({
      ok: true,
      issues: [],
    });
    const firstView = listTree.mock.calls.length;
    expect(firstView).toBeGreaterThan(0);
    expect((await service.getChange(id)).validation).toEqual({
      ok: true,
      issues: [],
    });
    expect(listTree.mock.calls.length).toBe(firstView);
    await service.review(id, { decision: 'approve' }, jane);
    expect((await service.merge(id, jane)).state).toBe('merged');
    expect(listTree.mock.calls.length).toBeGreaterThan(firstView);
  });

  it('fails a missing commit and a folder without *.tf, naming file and field, and refuses to merge', async () => {
    const { service, modules, platform, open } = await setup();
    const missing = await open('1.1.0', 'f'.repeat(40), 'terraform/aws-vpc');
    const [issue] = (await service.getChange(missing)).validation.issues;
    expect(issue).toMatchObject({
      file: 'artifact-versions/team-a/terraform-aws-vpc-1.1.0.yaml',
      path: '/spec/source/git/commit',
      message: `commit ${'f'.repeat(40)} does not exist in modules`,
    });
    const docs = await open('1.2.0', await modules.head(), 'docs');
    expect((await service.getChange(docs)).validation.issues).toEqual([
      expect.objectContaining({
        path: '/spec/source/git/subdirectory',
        message: expect.stringMatching(
          /holds no Terraform module: no \*\.tf file at the top of "docs"/,
        ),
      }),
    ]);
    const number = docs.split(':')[1];
    await platform.review(number, { decision: 'approve', actor: jane });
    await expect(service.merge(docs, jane)).rejects.toThrow(
      ResourceValidationError,
    );
    // the check is recorded on the head as well, for the provider's merge rule
    await service.recordValidation('platform', Number(number));
    const change = await platform.getChange(number);
    expect(
      change?.checks.find(c => c.context === 'butler-portal/validate')?.state,
    ).toBe('failure');
  });
});
