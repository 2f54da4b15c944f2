/*
 * The change routes of the fake gitops backend, behaving like the real one where the actions
 * depend on it: a second POST with the same Idempotency-Key answers 200 with the first change.
 */
import type { FakeGitopsBackend } from './fakeGitopsBackend';

export function serveChanges(
  backend: FakeGitopsBackend,
  options: { url?: (number: number) => string; repository?: string } = {},
) {
  const repository = options.repository ?? 'platform';
  const byKey = new Map<string, unknown>();
  const paths = new Map<string, string[]>();
  let next = 1;
  backend.on('POST', '/changes', request => {
    const key = String(request.headers['idempotency-key']);
    const replay = byKey.get(key);
    if (replay) return { status: 200, body: replay };
    const number = next++;
    const id = `${repository}:${number}`;
    const { kind, namespace, name } = request.body;
    const change = {
      id,
      number,
      repository,
      ...(options.url && { url: options.url(number) }),
      branch: `butler/${String(kind).toLowerCase()}/${name}/${number}`,
      state: 'open',
    };
    byKey.set(key, change);
    const folders: Record<string, string> = {
      Workspace: 'workspaces',
      Pipeline: 'pipelines',
    };
    const folder = folders[kind] ?? 'workspace-templates';
    paths.set(id, [`gitops/${folder}/${namespace}/${name}.yaml`]);
    backend.on('GET', `/changes/${encodeURIComponent(id)}`, () => ({
      status: 200,
      body: { ...change, paths: paths.get(id) },
    }));
    return { status: 201, body: change };
  });
}
