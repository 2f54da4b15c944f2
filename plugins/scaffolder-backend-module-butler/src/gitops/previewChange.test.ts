import { thrownBy } from '@butler-portal/plugin-gitops-common/testUtils';
import { previewChange } from './previewChange';

const template = {
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'WorkspaceTemplate',
  metadata: { name: 'go-dev', namespace: 'team-a' },
  spec: { displayName: 'Go', template: { image: 'golang:1.23' } },
};

describe('previewChange', () => {
  it('gives the layout path and the file for a valid resource', () => {
    const preview = previewChange({
      operation: 'create',
      kind: 'WorkspaceTemplate',
      namespace: 'team-a',
      name: 'go-dev',
      resource: template,
    });
    expect(preview.path).toBe('workspace-templates/team-a/go-dev.yaml');
    expect(preview.yaml).toContain('kind: WorkspaceTemplate\n');
    expect(preview.yaml).toContain('image: golang:1.23\n');
  });

  it('validates YAML text as given', () => {
    const preview = previewChange({
      operation: 'update',
      kind: 'WorkspaceTemplate',
      namespace: 'team-a',
      name: 'go-dev',
      yaml: '# kept\napiVersion: butler.butlerlabs.dev/v1alpha1\nkind: WorkspaceTemplate\nmetadata: {name: go-dev, namespace: team-a}\nspec: {displayName: Go, template: {image: go}}\n',
    });
    expect(preview.yaml).toMatch(/^# kept\n/);
  });

  it('only computes the path for a delete', () => {
    expect(
      previewChange({
        operation: 'delete',
        kind: 'Workspace',
        namespace: 'team-a',
        name: 'old',
      }),
    ).toEqual({ path: 'workspaces/team-a/old.yaml' });
  });

  it('refuses a name that cannot be a path, naming the field', () => {
    const error = thrownBy(() =>
      previewChange({
        operation: 'create',
        kind: 'WorkspaceTemplate',
        namespace: 'team-a',
        name: '../x',
        resource: template,
      }),
    );
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(/^WorkspaceTemplate team-a\/\.\.\/x: name: /);
  });

  it('lists every located issue of an invalid file', () => {
    const error = thrownBy(() =>
      previewChange({
        operation: 'create',
        kind: 'WorkspaceTemplate',
        namespace: 'team-a',
        name: 'go-dev',
        resource: {
          ...template,
          metadata: { name: 'other', namespace: 'team-a' },
          spec: { template: { image: 'go' } },
        },
      }),
    );
    expect(error.name).toBe('InputError');
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('WorkspaceTemplate team-a/go-dev is invalid:');
    expect(lines.slice(1).join('\n')).toMatch(
      /\/spec\/displayName: .*displayName/,
    );
    expect(lines.slice(1).join('\n')).toMatch(/\/metadata\/name: /);
  });

  it('wants exactly one of resource and yaml', () => {
    const error = thrownBy(() =>
      previewChange({
        operation: 'create',
        kind: 'WorkspaceTemplate',
        namespace: 'team-a',
        name: 'go-dev',
      }),
    );
    expect(error.message).toBe(
      'create takes exactly one of resource (an object) or yaml (the whole file)',
    );
  });
});
