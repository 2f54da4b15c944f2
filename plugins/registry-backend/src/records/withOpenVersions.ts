/*
 * Adds the versions of open change requests to an artifact as the REST API shows it: a new
 * version appears with state `open`; a merged version that a change edits (deprecate, yank)
 * gets that change attached.
 */
import {
  compareVersionsDescending,
  type ArtifactSummary,
  type VersionInfo,
} from '@butler-portal/plugin-registry-common';
import type { OpenVersion } from './OpenVersions';

export function withOpenVersions(
  summary: ArtifactSummary,
  open: readonly OpenVersion[],
): ArtifactSummary {
  const mine = open.filter(
    o =>
      o.record.metadata.namespace === summary.namespace &&
      o.record.spec.artifact === summary.name,
  );
  if (mine.length === 0) return summary;
  const versions: VersionInfo[] = summary.versions.map(v => {
    const edit = mine.find(o => o.record.spec.version === v.version);
    return edit ? { ...v, change: edit.change } : v;
  });
  for (const o of mine) {
    const { version, source, changelog } = o.record.spec;
    if (versions.some(v => v.version === version)) continue;
    const git = 'git' in source ? source.git : undefined;
    versions.push({
      version,
      state: 'open',
      sourceType: Object.keys(source)[0] as VersionInfo['sourceType'],
      ...(changelog && { changelog }),
      ...(git?.commit && { commit: git.commit }),
      file: o.file,
      change: o.change,
    });
  }
  versions.sort((a, b) => compareVersionsDescending(a.version, b.version));
  return { ...summary, versions };
}
