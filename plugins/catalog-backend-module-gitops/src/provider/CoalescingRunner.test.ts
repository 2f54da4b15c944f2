import { CoalescingRunner } from './CoalescingRunner';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('CoalescingRunner', () => {
  it('runs one request at a time and merges those that arrive meanwhile into the next run', async () => {
    const runs: string[][] = [];
    const gates = [deferred(), deferred()];
    const runner = new CoalescingRunner<string[]>({
      run: async request => {
        runs.push(request);
        await gates[runs.length - 1].promise;
      },
      merge: (a, b) => [...a, ...b],
    });

    const first = runner.request(['a']);
    const second = runner.request(['b']);
    const third = runner.request(['c']);
    expect(runs).toEqual([['a']]);
    expect(second).toBe(third);

    gates[0].resolve();
    await first;
    await new Promise(setImmediate);
    expect(runs).toEqual([['a'], ['b', 'c']]);
    gates[1].resolve();
    await third;
  });

  it('rejects the requests of a failed run and keeps serving later ones', async () => {
    let fail = true;
    const runner = new CoalescingRunner<number>({
      run: async () => {
        if (fail) throw new Error('provider unreachable');
      },
      merge: (a, b) => a + b,
    });
    await expect(runner.request(1)).rejects.toThrow('provider unreachable');
    fail = false;
    await expect(runner.request(2)).resolves.toBeUndefined();
  });
});
