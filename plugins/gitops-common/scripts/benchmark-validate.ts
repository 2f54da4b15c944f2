/*
 * Parsing and validating resource files, the CPU part of a first sync (issue 20): 5,000
 * Workspace files shaped like repo-layouts/workspaces (comments, annotations, nested fields),
 * read by validate() with their paths, as the snapshot reader does.
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-gitops-common run benchmark:validate
 *
 * Prints: the time to validate 5,000 valid files (first round, which includes compiling the
 * schema, and the best of three more), and the time for 500 invalid ones (their issues are
 * located, the slow path).
 */
/* eslint-disable no-console */ // a benchmark's output is its figures
import { performance } from 'perf_hooks';
import { validate } from '../src/validation/validate';

const COUNT = 5000;

const workspace = (
  i: number,
  image = 'golang:1.23-bookworm',
) => `# yaml-language-server: $schema=http://localhost:7007/api/gitops/schemas/workspace.json
apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ws-${i}
  namespace: team-a
  annotations:
    # The team that owns this workspace, as a Backstage entity ref; spec.owner is the person.
    portal.butlerlabs.dev/owner: group:default/team-a
spec:
  # Email of the Butler user who owns the workspace.
  owner: user-${i}@example.com
  # The TenantCluster (in this namespace) the workspace runs in.
  clusterRef:
    name: team-a-dev
  image: ${image}
  resources:
    cpu: '2'
    memory: 4Gi
  storageSize: 20Gi
  repository:
    url: https://github.com/example-org/service-${i}.git
    branch: main
  autoStopAfter: 8h
  idleTimeout: 4h
`;

/** wall time, and the process's CPU time (on a shared machine the fairer figure) */
function run(files: [string, string][]): {
  ms: number;
  cpuMs: number;
  valid: number;
} {
  const start = performance.now();
  const cpu = process.cpuUsage();
  let valid = 0;
  for (const [path, text] of files) if (validate(text, path).ok) valid++;
  const used = process.cpuUsage(cpu);
  return {
    ms: performance.now() - start,
    cpuMs: (used.user + used.system) / 1000,
    valid,
  };
}

const valid: [string, string][] = [];
for (let i = 0; i < COUNT; i++)
  valid.push([`workspaces/team-a/ws-${i}.yaml`, workspace(i)]);
// invalid in the schema (a number where a string belongs) and in the path (name differs)
const invalid: [string, string][] = [];
for (let i = 0; i < COUNT / 10; i++) {
  invalid.push([
    `workspaces/team-a/other-${i}.yaml`,
    workspace(i).replace("cpu: '2'", 'cpu: [2]'),
  ]);
}

const first = run(valid);
if (first.valid !== COUNT)
  throw new Error(`expected ${COUNT} valid files, got ${first.valid}`);
let best = { ms: Infinity, cpuMs: Infinity };
for (let round = 0; round < 3; round++) {
  const { ms, cpuMs } = run(valid);
  best = { ms: Math.min(best.ms, ms), cpuMs: Math.min(best.cpuMs, cpuMs) };
}
const bad = run(invalid);
if (bad.valid !== 0) throw new Error('invalid files passed');

const line = (what: string, r: { ms: number; cpuMs: number }, n: number) =>
  console.log(
    `${what}: ${r.ms.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU (${(
      (r.cpuMs * 1000) /
      n
    ).toFixed(0)} µs CPU/file)`,
  );
line(`validate ${COUNT} valid Workspace files, first round`, first, COUNT);
line(`validate ${COUNT} valid Workspace files, best of 3 more`, best, COUNT);
line(
  `validate ${invalid.length} invalid files (issues located)`,
  bad,
  invalid.length,
);
