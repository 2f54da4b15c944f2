import { mapLimited } from './mapLimited';

describe('mapLimited', () => {
  it('keeps the order of the items whatever order the calls finish in', async () => {
    const delays = [30, 5, 20, 0, 10];
    const results = await mapLimited(delays, 2, async ms => {
      await new Promise(resolve => setTimeout(resolve, ms));
      return ms * 2;
    });
    expect(results).toEqual([60, 10, 40, 0, 20]);
  });

  it('never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    await mapLimited(
      Array.from({ length: 12 }, (_, i) => i),
      3,
      async () => {
        running++;
        most = Math.max(most, running);
        await new Promise(resolve => setTimeout(resolve, 2));
        running--;
      },
    );
    expect(most).toBe(3);
  });

  it('returns an empty list for no items', async () => {
    await expect(mapLimited([], 4, async () => 1)).resolves.toEqual([]);
  });

  it('rejects with the first failure', async () => {
    await expect(
      mapLimited([1, 2, 3], 2, async n => {
        if (n === 2) throw new Error('boom on 2');
        return n;
      }),
    ).rejects.toThrow('boom on 2');
  });
});
