import { threadCount } from './validateInParallel';

describe('threadCount', () => {
  const saved = process.env.BUTLER_GITOPS_THREADS;
  afterEach(() => {
    if (saved === undefined) delete process.env.BUTLER_GITOPS_THREADS;
    else process.env.BUTLER_GITOPS_THREADS = saved;
  });

  it('uses one thread per idle core for a large batch', () => {
    delete process.env.BUTLER_GITOPS_THREADS;
    expect(threadCount(1000, true, 2, 0.3)).toBe(2);
    expect(threadCount(1000, true, 8, 1.5)).toBe(4); // at most 4
    expect(threadCount(1000, true, 2, 9.5)).toBe(1); // busy machine
  });

  it('stays in the main thread for a small batch or without a file to start workers from', () => {
    delete process.env.BUTLER_GITOPS_THREADS;
    expect(threadCount(200, true, 4, 0)).toBe(1);
    expect(threadCount(1000, false, 4, 0)).toBe(1);
  });

  it('honours BUTLER_GITOPS_THREADS', () => {
    process.env.BUTLER_GITOPS_THREADS = '1';
    expect(threadCount(1000, true, 4, 0)).toBe(1);
    process.env.BUTLER_GITOPS_THREADS = '3';
    expect(threadCount(1000, true, 4, 0)).toBe(3);
    expect(threadCount(1000, true, 2, 9.5)).toBe(3); // asked for, whatever the load
    expect(threadCount(200, true, 2, 0)).toBe(1); // still not for a small batch
  });
});
