import type { SyncTargetStatus } from '../../api';
import { findSyncEntries } from './findSyncEntries';

const target = (
  repository: string,
  name: string,
  resources: SyncTargetStatus['resources'],
): SyncTargetStatus => ({
  repository,
  target: name,
  condition: 'Ready',
  reason: 'Synced',
  revision: 'abc',
  consecutiveFailures: 0,
  resources,
});

const record = (kind: string, namespace: string, name: string) => ({
  kind,
  namespace,
  name,
  status: 'Synced' as const,
  revision: 'abc',
  reason: 'Applied',
});

describe('findSyncEntries', () => {
  const ref = { kind: 'Workspace', namespace: 'team-a', name: 'dev' };
  const targets = [
    target('platform', 'butler', [
      record('Workspace', 'team-b', 'dev'),
      record('Workspace', 'team-a', 'dev'),
    ]),
    target('platform', 'vector', [record('Pipeline', 'team-a', 'dev')]),
    target('apps', 'butler', [record('Workspace', 'team-a', 'dev')]),
  ];

  it('gives every target of the repository with the record of exactly this resource', () => {
    const entries = findSyncEntries(targets, ref, 'platform');
    expect(entries.map(e => e.target.target)).toEqual(['butler', 'vector']);
    expect(entries[0].resource).toEqual(record('Workspace', 'team-a', 'dev'));
    // same name, other kind: not this resource
    expect(entries[1].resource).toBeUndefined();
  });

  it('looks in every repository when the entity names none', () => {
    const entries = findSyncEntries(targets, ref);
    expect(entries.filter(e => e.resource)).toHaveLength(2);
  });
});
