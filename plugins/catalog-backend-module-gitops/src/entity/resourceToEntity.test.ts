import { validate } from '@butler-portal/plugin-gitops-common';
import fs from 'fs';
import path from 'path';
import { ANNOTATION_SOURCE_ERROR } from './annotations';
import {
  type EntitySource,
  entityToResource,
  entityWithSourceError,
  formatIssues,
  resourceToEntity,
} from './resourceToEntity';

const fixtures = path.resolve(
  require.resolve('@butler-portal/plugin-gitops-common/package.json'),
  '../src/schemas/__fixtures__',
);

function fixture(name: string) {
  const result = validate(fs.readFileSync(path.join(fixtures, name), 'utf8'));
  if (!result.ok) throw new Error(`${name}: ${formatIssues(result.issues)}`);
  return result.resource;
}

const source: EntitySource = {
  repository: 'platform',
  path: 'artifacts/team-apps/web-app.yaml',
  commit: 'c0ffee'.padEnd(40, '0'),
  location:
    'url:https://github.com/acme/platform/blob/main/artifacts/team-apps/web-app.yaml',
  viewUrl:
    'https://github.com/acme/platform/blob/main/artifacts/team-apps/web-app.yaml',
  editUrl:
    'https://github.com/acme/platform/edit/main/artifacts/team-apps/web-app.yaml',
  openChanges: ['platform:3', 'platform:7'],
};

describe('resourceToEntity', () => {
  it('keeps kind, apiVersion, names, labels, annotations and spec, and adds the source', () => {
    const resource = fixture('artifact.full.yaml');
    const entity = resourceToEntity(resource, source);
    expect(entity).toEqual({
      apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
      kind: 'Artifact',
      metadata: {
        name: 'web-app',
        namespace: 'team-apps',
        title: 'Web application chart',
        description:
          'Deploys a stateless web application with an HPA and a PodDisruptionBudget.',
        tags: ['helm', 'web', 'stateless'],
        labels: { 'portal.butlerlabs.dev/lifecycle': 'production' },
        annotations: {
          'backstage.io/managed-by-location': source.location,
          'backstage.io/managed-by-origin-location': source.location,
          'backstage.io/view-url': source.viewUrl,
          'backstage.io/edit-url': source.editUrl,
          'portal.butlerlabs.dev/source-repository': 'platform',
          'portal.butlerlabs.dev/source-path':
            'artifacts/team-apps/web-app.yaml',
          'portal.butlerlabs.dev/source-commit': source.commit,
          'portal.butlerlabs.dev/open-changes': 'platform:3,platform:7',
        },
      },
      spec: resource.spec,
    });
  });

  it('takes the title of a WorkspaceTemplate from its display name', () => {
    const entity = resourceToEntity(
      fixture('workspacetemplate.minimal.yaml'),
      source,
    );
    expect(entity.metadata.title).toBe('Go backend');
  });

  it('leaves out tags the catalog would refuse', () => {
    const resource = fixture('artifact.full.yaml');
    resource.spec.tags = ['ok', 'Not_OK', 'x'.repeat(64), 'also-ok'];
    expect(resourceToEntity(resource, source).metadata.tags).toEqual([
      'ok',
      'also-ok',
    ]);
  });

  it.each([
    'workspace.full.yaml',
    'workspacetemplate.full.yaml',
    'tenantaddon.full-helm.yaml',
    'artifact.full.yaml',
    'artifactversion.full.yaml',
    'pipeline.full.yaml',
  ])('turns the entity of %s back into exactly the resource', name => {
    const resource = fixture(name);
    expect(entityToResource(resourceToEntity(resource, source))).toEqual(
      resource,
    );
  });
});

describe('entityWithSourceError', () => {
  const issues = [
    {
      file: 'workspaces/team-a/dev.yaml',
      path: '/spec/image',
      line: 9,
      column: 10,
      message: 'must be string',
    },
    {
      file: 'workspaces/team-a/dev.yaml',
      path: '',
      line: 1,
      column: 1,
      message: 'no good',
    },
  ];

  it('keeps the last valid entity and adds the issues', () => {
    const lastValid = resourceToEntity(fixture('workspace.full.yaml'), source);
    const entity = entityWithSourceError({
      lastValid,
      ref: {
        kind: 'Workspace',
        namespace: 'team-platform',
        name: 'jane-api-work',
      },
      source: { ...source, commit: 'b'.repeat(40) },
      issues,
    });
    expect(entity.spec).toEqual(lastValid.spec);
    expect(entity.metadata.annotations).toMatchObject({
      'portal.butlerlabs.dev/source-commit': 'b'.repeat(40),
      [ANNOTATION_SOURCE_ERROR]:
        'workspaces/team-a/dev.yaml:9:10 /spec/image: must be string\nworkspaces/team-a/dev.yaml:1:1 no good',
    });
  });

  it('names an entity that never was valid after its path', () => {
    const entity = entityWithSourceError({
      ref: { kind: 'Pipeline', namespace: 'team-a', name: 'logs' },
      source,
      issues,
    });
    expect(entity).toMatchObject({
      apiVersion: 'herald.butlerlabs.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'logs', namespace: 'team-a' },
      spec: {},
    });
  });
});

describe('formatIssues', () => {
  it('cuts a very long list short and says how many there were', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      path: `/spec/x${i}`,
      line: i + 1,
      column: 1,
      message: 'is not allowed here',
    }));
    const text = formatIssues(many);
    expect(text.length).toBeLessThanOrEqual(4096);
    expect(text).toMatch(/^1:1 \/spec\/x0: is not allowed here\n/);
    expect(text).toMatch(/\(500 issues in all\)$/);
  });
});
