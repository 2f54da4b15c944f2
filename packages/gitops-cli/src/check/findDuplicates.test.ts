import path from 'node:path';
import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';
import { findDuplicates } from './findDuplicates';
import type { CheckedFile } from './types';

const base = path.resolve('/repo');

function checked(
  displayPath: string,
  name: string | undefined,
  options: { root?: string; inKindFolder?: boolean } = {},
): CheckedFile {
  const text = `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name ?? 'broken'}
  namespace: team-a
spec: {}
`;
  const resource: GitOpsResource | undefined = name
    ? {
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'Workspace',
        metadata: { name, namespace: 'team-a' },
        spec: {},
      }
    : undefined;
  return {
    file: {
      absolutePath: path.join(base, displayPath),
      displayPath,
      base,
      segments: displayPath.split('/'),
      explicit: false,
    },
    location: {
      root: options.root ?? base,
      ...(options.inKindFolder ? { repoPath: displayPath } : {}),
    },
    text,
    resource,
    issues: [],
  };
}

describe('findDuplicates', () => {
  it('reports every copy after the first, at metadata.name, naming the first', () => {
    const files = [
      checked('docs/a.yaml', 'alice'),
      checked('docs/b.yaml', 'alice'),
      checked('docs/c.yaml', 'alice'),
      checked('docs/d.yaml', 'bob'),
    ];
    const findings = findDuplicates(files);
    expect(findings.map(f => [f.checked.file.displayPath, f.issue])).toEqual([
      [
        'docs/b.yaml',
        {
          file: 'docs/b.yaml',
          path: '/metadata/name',
          line: 4,
          column: 9,
          message:
            'duplicate resource: Workspace team-a/alice is also declared in docs/a.yaml',
        },
      ],
      [
        'docs/c.yaml',
        expect.objectContaining({
          message:
            'duplicate resource: Workspace team-a/alice is also declared in docs/a.yaml',
        }),
      ],
    ]);
  });

  it('takes the file in the kind folder as the original, wherever it is listed', () => {
    const findings = findDuplicates([
      checked('docs/alice.yaml', 'alice'),
      checked('workspaces/team-a/alice.yaml', 'alice', { inKindFolder: true }),
    ]);
    expect(findings.map(f => f.checked.file.displayPath)).toEqual([
      'docs/alice.yaml',
    ]);
    expect(findings[0].issue.message).toContain(
      'also declared in workspaces/team-a/alice.yaml',
    );
  });

  it('compares within a checkout only, and ignores files that did not validate', () => {
    expect(
      findDuplicates([
        checked('one/workspaces/team-a/alice.yaml', 'alice', {
          root: path.join(base, 'one'),
          inKindFolder: true,
        }),
        checked('two/workspaces/team-a/alice.yaml', 'alice', {
          root: path.join(base, 'two'),
          inKindFolder: true,
        }),
        checked('docs/broken.yaml', undefined),
        checked('docs/broken-too.yaml', undefined),
      ]),
    ).toEqual([]);
  });
});
