import { workspaceTemplateRef } from './workspaceTemplate';

describe('workspaceTemplateRef', () => {
  it('reads <namespace>/<name> from the annotation', () => {
    expect(
      workspaceTemplateRef({
        namespace: 'team-a',
        annotations: {
          'portal.butlerlabs.dev/template': 'butler-system/go-backend',
        },
      }),
    ).toEqual({ namespace: 'butler-system', name: 'go-backend' });
  });

  it("takes a bare name in the workspace's own namespace", () => {
    expect(
      workspaceTemplateRef({
        namespace: 'team-a',
        annotations: { 'portal.butlerlabs.dev/template': 'go-backend' },
      }),
    ).toEqual({ namespace: 'team-a', name: 'go-backend' });
  });

  it('falls back to the label of older files, and prefers the annotation', () => {
    expect(
      workspaceTemplateRef({
        namespace: 'team-a',
        labels: { 'portal.butlerlabs.dev/template': 'node-dev' },
      }),
    ).toEqual({ namespace: 'team-a', name: 'node-dev' });
    expect(
      workspaceTemplateRef({
        namespace: 'team-a',
        labels: { 'portal.butlerlabs.dev/template': 'node-dev' },
        annotations: { 'portal.butlerlabs.dev/template': 'platform/base' },
      }),
    ).toEqual({ namespace: 'platform', name: 'base' });
  });

  it('names no template for a missing or malformed value', () => {
    expect(workspaceTemplateRef({ namespace: 'team-a' })).toBeUndefined();
    for (const value of ['', 'a/b/c', '/go-backend', 'team-a/']) {
      expect(
        workspaceTemplateRef({
          namespace: 'team-a',
          annotations: { 'portal.butlerlabs.dev/template': value },
        }),
      ).toBeUndefined();
    }
  });
});
