import { threadCount } from './validateInParallel';

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
