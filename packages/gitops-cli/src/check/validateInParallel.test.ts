import { planThreads, threadCount } from './validateInParallel';

describe('threadCount', () => {
  const saved = process.env.BUTLER_GITOPS_THREADS;
  afterEach(() => {
    if (saved === undefined) delete process.env.BUTLER_GITOPS_THREADS;
    else process.env.BUTLER_GITOPS_THREADS = saved;
  });

  it('uses one thread per core for a large batch, at most 4', () => {
    delete process.env.BUTLER_GITOPS_THREADS;
    expect(threadCount(1000, true, 2)).toBe(2);
    expect(threadCount(1000, true, 8)).toBe(4);
    expect(threadCount(1000, true, 1)).toBe(1);
  });

  it('stays in the main thread for a small batch or without a file to start workers from', () => {
    delete process.env.BUTLER_GITOPS_THREADS;
    expect(threadCount(200, true, 4)).toBe(1);
    expect(threadCount(1000, false, 4)).toBe(1);
  });

  it('honours BUTLER_GITOPS_THREADS', () => {
    process.env.BUTLER_GITOPS_THREADS = '1';
    expect(threadCount(1000, true, 4)).toBe(1);
    process.env.BUTLER_GITOPS_THREADS = '3';
    expect(threadCount(1000, true, 2)).toBe(3); // asked for, whatever the cores
    expect(threadCount(200, true, 2)).toBe(1); // still not for a small batch
  });
});

describe('planThreads', () => {
  const workspace = (i: number) => ({
    text: 'kind: Workspace\n',
    repoPath: `workspaces/team-a/w${i}.yaml`,
  });
  const pipeline = (i: number) => ({
    text: 'apiVersion: herald.butlerlabs.dev/v1alpha1\nkind: Pipeline\n',
    repoPath: `pipelines/team-a/p${i}.yaml`,
  });

  it('splits ordinary files evenly, each index once', () => {
    const jobs = Array.from({ length: 10 }, (_, i) => workspace(i));
    const plan = planThreads(jobs, 2);
    expect(plan).toEqual([
      [0, 1, 2, 3, 4],
      [5, 6, 7, 8, 9],
    ]);
  });

  it('keeps every Pipeline in the main thread and evens out the estimated cost', () => {
    const jobs = [
      ...Array.from({ length: 100 }, (_, i) => pipeline(i)),
      ...Array.from({ length: 1000 }, (_, i) => workspace(i)),
    ];
    const [own, worker] = planThreads(jobs, 2);
    expect(own.slice(0, 100)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // 400 + 100 * 5 for the Pipelines: the main thread takes 50 workspaces more, the worker 950
    expect(own).toHaveLength(150);
    expect(worker).toHaveLength(950);
    expect([...own, ...worker].sort((a, b) => a - b)).toEqual(
      jobs.map((_, i) => i),
    );
  });

  it('gives the workers everything else when the Pipelines alone make the main thread share', () => {
    const jobs = [
      ...Array.from({ length: 300 }, (_, i) => workspace(i)),
      pipeline(0),
    ];
    const [own, ...workers] = planThreads(jobs, 3);
    expect(own).toEqual([300]);
    expect(workers.map(w => w.length)).toEqual([150, 150]);
  });
});
