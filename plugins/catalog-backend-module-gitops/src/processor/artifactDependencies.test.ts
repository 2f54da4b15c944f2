import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import { validate } from '@butler-portal/plugin-gitops-common';
import {
  ANNOTATION_RESOLVED_DEPENDENCIES,
  ANNOTATION_UNRESOLVED_DEPENDENCIES,
} from '../entity/annotations';
import { resourceToEntity } from '../entity/resourceToEntity';
import {
  CatalogArtifactVersions,
  resolveDependencies,
} from './artifactDependencies';
import { GitOpsEntityProcessor } from './GitOpsEntityProcessor';

function entityOf(yaml: string): Entity {
  const result = validate(yaml);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return resourceToEntity(result.resource, {
    repository: 'platform',
    path: 'x.yaml',
    commit: 'a'.repeat(40),
    location: 'gitops:platform/x.yaml',
  });
}

const artifact = (name: string, deps: [string, string][] = [], namespace = 'team-a') =>
  entityOf(`apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: Artifact
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  type: terraform-module
  owner: group:default/team-a
${deps.length ? `  dependencies:\n${deps.map(([a, r]) => `    - artifact: ${a}\n      versionRange: "${r}"\n`).join('')}` : ''}`);

const version = (name: string, v: string, extra = '') =>
  entityOf(`apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: ${name}-${v}
  namespace: team-a
spec:
  artifact: ${name}
  version: ${v}
  source:
    git:
      url: https://git.example.com/m.git
      ref: v${v}
      commit: ${'b'.repeat(40)}
${extra}`);

const catalogEntities = [
  artifact('subnets'),
  version('subnets', '2.0.0'),
  version('subnets', '2.1.0'),
  version('subnets', '2.2.0', '  yanked: leaks\n'),
  version('subnets', '3.0.0'),
  artifact('empty'),
];

function versions() {
  return new CatalogArtifactVersions({
    catalog: catalogServiceMock({ entities: catalogEntities }),
    auth: { getOwnServiceCredentials: async () => mockCredentials.service('plugin:catalog') },
  });
}

describe('Artifact dependencies in the catalog', () => {
  it('reads merged, not yanked versions from the catalog, and knows unknown artifacts', async () => {
    const { versionsOf } = versions();
    expect((await versionsOf('team-a', 'subnets'))?.sort()).toEqual(['2.0.0', '2.1.0', '3.0.0']);
    expect(await versionsOf('team-a', 'empty')).toEqual([]);
    expect(await versionsOf('team-a', 'nope')).toBeUndefined();
    expect(await versionsOf('team-b', 'subnets')).toBeUndefined();
  });

  it('resolves each range to the highest merged version, and says why one does not', async () => {
    const entity = artifact('vpc', [
      ['subnets', '^2.0.0'],
      ['team-a/subnets', '>=4.0.0'],
      ['empty', '^1.0.0'],
      ['team-b/other', '^1.0.0'],
    ]);
    expect(await resolveDependencies(entity, versions().versionsOf)).toEqual([
      { artifact: 'team-a/subnets', versionRange: '^2.0.0', resolved: '2.1.0' },
      {
        artifact: 'team-a/subnets',
        versionRange: '>=4.0.0',
        problem: 'no merged version of team-a/subnets is in ">=4.0.0" (merged: 2.0.0, 2.1.0, 3.0.0)',
      },
      {
        artifact: 'team-a/empty',
        versionRange: '^1.0.0',
        problem: 'no merged version of team-a/empty is in "^1.0.0" (it has no merged version)',
      },
      { artifact: 'team-b/other', versionRange: '^1.0.0', problem: 'no Artifact team-b/other is merged' },
    ]);
  });

  it('relates an Artifact to the version its range resolves to (and back: used by), and annotates what does not resolve', async () => {
    const processor = new GitOpsEntityProcessor({
      emailToUserRef: async () => undefined,
      artifactVersions: versions().versionsOf,
    });
    const location = { type: 'gitops', target: 'platform/x.yaml' };
    const emitted: CatalogProcessorResult[] = [];
    const emit = (r: CatalogProcessorResult) => emitted.push(r);
    const entity = await processor.preProcessEntity(
      artifact('vpc', [
        ['subnets', '^2.0.0'],
        ['subnets', '^9.0.0'],
      ]),
      location,
      emit,
    );
    expect(await processor.validateEntityKind(entity)).toBe(true);
    await processor.postProcessEntity(entity, location, emit);
    const relations = emitted.flatMap(r =>
      r.type === 'relation'
        ? [`${r.relation.source.kind}:${r.relation.source.name} ${r.relation.type} ${r.relation.target.kind}:${r.relation.target.name}`]
        : [],
    );
    expect(relations).toEqual(
      expect.arrayContaining([
        'Artifact:vpc dependsOn Artifact:subnets',
        'Artifact:subnets dependencyOf Artifact:vpc',
        'Artifact:vpc dependsOn ArtifactVersion:subnets-2.1.0',
        'ArtifactVersion:subnets-2.1.0 dependencyOf Artifact:vpc',
      ]),
    );
    expect(relations.filter(r => r.includes('ArtifactVersion'))).toHaveLength(2);
    expect(entity.metadata.annotations?.[ANNOTATION_UNRESOLVED_DEPENDENCIES]).toBe(
      'team-a/subnets ^9.0.0: no merged version of team-a/subnets is in "^9.0.0" (merged: 2.0.0, 2.1.0, 3.0.0)',
    );
    expect(JSON.parse(entity.metadata.annotations![ANNOTATION_RESOLVED_DEPENDENCIES])).toHaveLength(2);
    // no processing error: an unresolved range is said on the entity, the entity stays
    expect(emitted.filter(r => r.type === 'error')).toEqual([]);

    // all resolved: no unresolved annotation left behind
    const fixed = await processor.preProcessEntity(
      { ...entity, spec: { ...entity.spec, dependencies: [{ artifact: 'subnets', versionRange: '^3.0.0' }] } },
      location,
      emit,
    );
    expect(fixed.metadata.annotations?.[ANNOTATION_UNRESOLVED_DEPENDENCIES]).toBeUndefined();
  });
});
