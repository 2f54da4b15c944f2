import type { Entity } from '@backstage/catalog-model';
import type { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { validate } from '@butler-portal/plugin-gitops-common';
import {
  ANNOTATION_OWNING_TEAM,
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_SOURCE_ERROR,
} from '../entity/annotations';
import { resourceToEntity } from '../entity/resourceToEntity';
import { artifactYaml, workspaceYaml } from '../__testUtils__/localRepository';
import { GitOpsEntityProcessor } from './GitOpsEntityProcessor';
import { ValidatedResources } from './ValidatedResources';

const location = {
  type: 'gitops',
  target: 'platform/workspaces/team-a/dev.yaml',
};

function entityOf(yaml: string, path = 'workspaces/team-a/dev.yaml'): Entity {
  const result = validate(yaml);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return resourceToEntity(result.resource, {
    repository: 'platform',
    path,
    commit: 'a'.repeat(40),
    location: `gitops:platform/${path}`,
  });
}

function makeProcessor(
  users: Record<string, string> = { 'guest@example.com': 'user:default/guest' },
) {
  const emailToUserRef = jest.fn(async (email: string) => users[email]);
  return {
    processor: new GitOpsEntityProcessor({ emailToUserRef }),
    emailToUserRef,
  };
}

async function relationsOf(processor: GitOpsEntityProcessor, entity: Entity) {
  const emitted: CatalogProcessorResult[] = [];
  await processor.postProcessEntity(entity, location, r => emitted.push(r));
  return emitted.map(r => {
    if (r.type !== 'relation') throw new Error(`unexpected ${r.type}`);
    const { source, type, target } = r.relation;
    return `${source.kind}:${source.namespace}/${source.name} ${type} ${target.kind}:${target.namespace}/${target.name}`;
  });
}

describe('GitOpsEntityProcessor', () => {
  describe('validateEntityKind', () => {
    it('accepts a valid entity of a GitOps kind', async () => {
      const { processor } = makeProcessor();
      await expect(
        processor.validateEntityKind(entityOf(workspaceYaml('team-a', 'dev'))),
      ).resolves.toBe(true);
    });

    it('leaves other kinds, and GitOps kind names of another apiVersion, to other processors', async () => {
      const { processor } = makeProcessor();
      const component = {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'x' },
        spec: {},
      };
      await expect(processor.validateEntityKind(component)).resolves.toBe(
        false,
      );
      await expect(
        processor.validateEntityKind({ ...component, kind: 'Workspace' }),
      ).resolves.toBe(false);
    });

    it('rejects an entity that breaks the kind schema, naming field and reason', async () => {
      const { processor } = makeProcessor();
      const entity = entityOf(workspaceYaml('team-a', 'dev'));
      entity.spec = { ...entity.spec, image: 42, surprise: true };
      await expect(processor.validateEntityKind(entity)).rejects.toThrow(
        /workspace:team-a\/dev is not a valid Workspace:\n.*\/spec\/image: .*string[\s\S]*surprise/,
      );
    });

    it('does not count the annotations the module adds against the schema', async () => {
      const { processor } = makeProcessor();
      const entity = entityOf(workspaceYaml('team-a', 'dev'));
      entity.metadata.annotations = {
        ...entity.metadata.annotations,
        'portal.butlerlabs.dev/open-changes': 'platform:1',
        'backstage.io/orphan': 'true',
      };
      await expect(processor.validateEntityKind(entity)).resolves.toBe(true);
    });

    it('does not validate again a resource recorded as valid, and validates any other content', async () => {
      const validated = new ValidatedResources();
      const processor = new GitOpsEntityProcessor({
        emailToUserRef: async () => undefined,
        validated,
      });
      const entity = entityOf(workspaceYaml('team-a', 'dev'));
      await expect(processor.validateEntityKind(entity)).resolves.toBe(true);
      expect(validated.has(ValidatedResources.resourceJson(entity))).toBe(true);
      // the source annotations (commit, open changes) are not part of what is validated
      const atAnotherCommit = {
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            [ANNOTATION_SOURCE_COMMIT]: 'b'.repeat(40),
          },
        },
      };
      expect(
        validated.has(ValidatedResources.resourceJson(atAnotherCommit)),
      ).toBe(true);
      expect(validated.size).toBe(1);

      // what was recorded passes without validation: here a record made on purpose for an
      // invalid resource, which nothing but a recorded validation would let through
      const broken = entityOf(workspaceYaml('team-a', 'dev'));
      broken.spec = { ...broken.spec, image: 42 };
      await expect(processor.validateEntityKind(broken)).rejects.toThrow(
        /spec\/image/,
      );
      validated.add(ValidatedResources.resourceJson(broken));
      await expect(processor.validateEntityKind(broken)).resolves.toBe(true);
      // one changed field is other content: validated
      const edited = { ...broken, spec: { ...broken.spec, image: 43 } };
      await expect(processor.validateEntityKind(edited)).rejects.toThrow(
        /spec\/image/,
      );
    });

    it('keeps a bounded record: the least recently recorded resources go first', () => {
      const validated = new ValidatedResources({ capacity: 2 });
      validated.add('a');
      validated.add('b');
      validated.add('a');
      validated.add('c');
      expect([
        validated.has('a'),
        validated.has('b'),
        validated.has('c'),
      ]).toEqual([true, false, true]);
      expect(validated.size).toBe(2);
    });
  });

  describe('a file broken on the default branch', () => {
    it('is reported as an input error naming file, commit, entity and issues', async () => {
      const { processor } = makeProcessor();
      const entity = entityOf(workspaceYaml('team-a', 'dev'));
      entity.metadata.annotations![ANNOTATION_SOURCE_ERROR] =
        'workspaces/team-a/dev.yaml:7:10 /spec/image: must be string';
      const emitted: CatalogProcessorResult[] = [];
      await processor.preProcessEntity(entity, location, r => emitted.push(r));
      expect(emitted).toEqual([
        {
          type: 'error',
          location,
          error: expect.objectContaining({
            name: 'InputError',
            message:
              `workspaces/team-a/dev.yaml in repository platform at commit ${'a'.repeat(
                12,
              )} is not a valid ` +
              'resource; the catalog keeps the last valid version of workspace:team-a/dev until it is fixed:\n' +
              'workspaces/team-a/dev.yaml:7:10 /spec/image: must be string',
          }),
        },
      ]);
      // nothing more to say in validation, and no relations for an entity the catalog drops
      await expect(processor.validateEntityKind(entity)).resolves.toBe(true);
      await expect(relationsOf(processor, entity)).resolves.toEqual([]);
    });

    it('is not reported for entities of other kinds', async () => {
      const { processor } = makeProcessor();
      const emitted: CatalogProcessorResult[] = [];
      await processor.preProcessEntity(
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'x',
            annotations: { [ANNOTATION_SOURCE_ERROR]: 'x' },
          },
        },
        location,
        r => emitted.push(r),
      );
      expect(emitted).toEqual([]);
    });
  });

  describe('the owning team', () => {
    const owningTeamOf = async (entity: Entity) => {
      const { processor } = makeProcessor();
      const processed = await processor.preProcessEntity(
        entity,
        location,
        () => {},
      );
      return processed.metadata.annotations?.[ANNOTATION_OWNING_TEAM];
    };

    it("records the team the file declares, as gitops-common's rule reads it", async () => {
      await expect(
        owningTeamOf(
          entityOf(
            workspaceYaml('team-a', 'dev', {
              annotations: {
                'portal.butlerlabs.dev/owner': 'group:default/Team-B',
              },
            }),
          ),
        ),
      ).resolves.toBe('team-b');
      // an Artifact's spec.owner Group
      await expect(
        owningTeamOf(entityOf(artifactYaml('team-a', 'lib'))),
      ).resolves.toBe('platform-team');
    });

    it('records none for a file that declares none (its namespace decides), whatever the entity claimed', async () => {
      // a Workspace's spec.owner is a person: no team
      const entity = entityOf(workspaceYaml('team-a', 'dev'));
      await expect(owningTeamOf(entity)).resolves.toBeUndefined();
      entity.metadata.annotations![ANNOTATION_OWNING_TEAM] = 'team-b';
      await expect(owningTeamOf(entity)).resolves.toBeUndefined();
      // nor may an entity of another kind carry it
      await expect(
        owningTeamOf({
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'x',
            annotations: { [ANNOTATION_OWNING_TEAM]: 'team-b' },
          },
        }),
      ).resolves.toBeUndefined();
    });

    it('is not part of the resource that is validated', async () => {
      const { processor } = makeProcessor();
      const entity = await processor.preProcessEntity(
        entityOf(artifactYaml('team-a', 'lib')),
        location,
        () => {},
      );
      await expect(processor.validateEntityKind(entity)).resolves.toBe(true);
    });
  });

  describe('relations', () => {
    it('makes the User with the Workspace owner email its owner', async () => {
      const { processor, emailToUserRef } = makeProcessor();
      await expect(
        relationsOf(processor, entityOf(workspaceYaml('team-a', 'dev'))),
      ).resolves.toEqual([
        'Workspace:team-a/dev ownedBy user:default/guest',
        'user:default/guest ownerOf Workspace:team-a/dev',
      ]);
      expect(emailToUserRef).toHaveBeenCalledWith('guest@example.com');
    });

    it('prefers the owner annotation of a Workspace, and links its template', async () => {
      const { processor, emailToUserRef } = makeProcessor();
      const entity = entityOf(
        workspaceYaml('team-a', 'dev', {
          template: 'butler-system/go-backend',
          annotations: { 'portal.butlerlabs.dev/owner': 'platform-team' },
        }),
      );
      await expect(relationsOf(processor, entity)).resolves.toEqual([
        'Workspace:team-a/dev ownedBy Group:default/platform-team',
        'Group:default/platform-team ownerOf Workspace:team-a/dev',
        'Workspace:team-a/dev dependsOn WorkspaceTemplate:butler-system/go-backend',
        'WorkspaceTemplate:butler-system/go-backend dependencyOf Workspace:team-a/dev',
      ]);
      expect(emailToUserRef).not.toHaveBeenCalled();
    });

    it.each([
      ['a bare-name annotation', { template: 'go-backend' }],
      ['the label of older files', { templateLabel: 'go-backend' }],
    ])(
      "links the template of %s in the workspace's namespace",
      async (_, options) => {
        const { processor } = makeProcessor();
        const entity = entityOf(workspaceYaml('team-a', 'dev', options));
        const relations = await relationsOf(processor, entity);
        expect(relations).toContain(
          'Workspace:team-a/dev dependsOn WorkspaceTemplate:team-a/go-backend',
        );
        // the annotation is kept as written: nothing is mapped into a label
        expect(entity.metadata.labels?.['portal.butlerlabs.dev/template']).toBe(
          (options as { templateLabel?: string }).templateLabel,
        );
      },
    );

    it('gives a Workspace of an unknown email no owner', async () => {
      const { processor } = makeProcessor({});
      await expect(
        relationsOf(processor, entityOf(workspaceYaml('team-a', 'dev'))),
      ).resolves.toEqual([]);
    });

    it('links an Artifact to its owner and the artifacts it depends on', async () => {
      const { processor } = makeProcessor();
      const entity = entityOf(
        artifactYaml('team-a', 'vpc', ['subnets', 'networking/dns']),
      );
      await expect(relationsOf(processor, entity)).resolves.toEqual([
        'Artifact:team-a/vpc ownedBy group:default/platform-team',
        'group:default/platform-team ownerOf Artifact:team-a/vpc',
        'Artifact:team-a/vpc dependsOn Artifact:team-a/subnets',
        'Artifact:team-a/subnets dependencyOf Artifact:team-a/vpc',
        'Artifact:team-a/vpc dependsOn Artifact:networking/dns',
        'Artifact:networking/dns dependencyOf Artifact:team-a/vpc',
      ]);
    });

    it('makes an ArtifactVersion part of its Artifact', async () => {
      const { processor } = makeProcessor();
      const entity = entityOf(`apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: vpc-1.2.0
  namespace: team-a
spec:
  artifact: vpc
  version: 1.2.0
  owner: user:jane
  source:
    git:
      url: https://github.com/acme/terraform-aws-vpc.git
      ref: v1.2.0
`);
      await expect(relationsOf(processor, entity)).resolves.toEqual([
        'ArtifactVersion:team-a/vpc-1.2.0 ownedBy user:default/jane',
        'user:default/jane ownerOf ArtifactVersion:team-a/vpc-1.2.0',
        'ArtifactVersion:team-a/vpc-1.2.0 partOf Artifact:team-a/vpc',
        'Artifact:team-a/vpc hasPart ArtifactVersion:team-a/vpc-1.2.0',
      ]);
    });

    it('links a TenantAddon to the addons it depends on and its annotated owner', async () => {
      const { processor } = makeProcessor();
      const entity = entityOf(`apiVersion: butler.butlerlabs.dev/v1alpha1
kind: TenantAddon
metadata:
  name: ingress
  namespace: team-a
  annotations:
    portal.butlerlabs.dev/owner: group:default/team-a
spec:
  clusterRef:
    name: dev-cluster
  addon: ingress-nginx
  version: 4.11.0
  dependsOn:
    - name: cert-manager
`);
      await expect(relationsOf(processor, entity)).resolves.toEqual([
        'TenantAddon:team-a/ingress ownedBy group:default/team-a',
        'group:default/team-a ownerOf TenantAddon:team-a/ingress',
        'TenantAddon:team-a/ingress dependsOn TenantAddon:team-a/cert-manager',
        'TenantAddon:team-a/cert-manager dependencyOf TenantAddon:team-a/ingress',
      ]);
    });
  });
});
