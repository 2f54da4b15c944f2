import { BoundedMap } from './BoundedMap';

describe('BoundedMap', () => {
  it('forgets the oldest entry first; setting a key again makes it the newest', () => {
    const evicted: string[] = [];
    const map = new BoundedMap<string, number>({
      maxEntries: 2,
      onEvict: key => evicted.push(key),
    });
    map.set('a', 1).set('b', 2);
    map.set('a', 10); // now newer than b
    map.set('c', 3);
    expect([...map.keys()]).toEqual(['a', 'c']);
    expect(map.get('a')).toBe(10);
    expect(map.has('b')).toBe(false);
    expect(evicted).toEqual(['b']);
    map.delete('a');
    map.clear();
    expect(map.size).toBe(0);
    expect(evicted).toEqual(['b']); // delete and clear are not evictions
  });

  it('keeps the weight within its budget, and the newest entry even when it alone is over', () => {
    const map = new BoundedMap<string, number[]>({
      maxEntries: 3,
      weigh: list => list.length,
      maxWeight: 10,
    });
    map.set('a', [1, 2, 3, 4]);
    map.set('b', [1, 2, 3, 4]);
    map.set('c', [1, 2, 3]); // 11 > 10: a goes
    expect([...map.keys()]).toEqual(['b', 'c']);
    map.set('b', [1]); // b re-weighed: 4 → 1
    map.set('d', [1, 2, 3, 4, 5]); // 3 + 1 + 5 = 9
    expect([...map.keys()]).toEqual(['c', 'b', 'd']);
    map.set(
      'huge',
      Array.from({ length: 50 }, (_, i) => i),
    );
    expect([...map.keys()]).toEqual(['huge']);
  });

  it('keeps nothing at size 0, and refuses a negative size', () => {
    const map = new BoundedMap<string, number>({ maxEntries: 0 });
    map.set('a', 1);
    expect(map.size).toBe(0);
    expect(() => new BoundedMap({ maxEntries: -1 })).toThrow(RangeError);
  });

  it('counts an entry at the weight it was set with, even if its value changes later', () => {
    const map = new BoundedMap<string, number[]>({
      maxEntries: 10,
      weigh: list => list.length,
      maxWeight: 4,
    });
    const shared = [1, 2];
    map.set('a', shared);
    shared.push(3, 4, 5); // a caller changing a kept value
    map.set('b', [1, 2]); // 2 + 2: both stay
    expect([...map.keys()]).toEqual(['a', 'b']);
    map.delete('a');
    map.set('c', [1, 2]);
    expect([...map.keys()]).toEqual(['b', 'c']);
  });

  it('keeps a pending promise until it rejects, unless a newer one replaced it', async () => {
    const map = new BoundedMap<string, Promise<number>>({ maxEntries: 5 });
    const kept = map.setUntilRejected('ok', Promise.resolve(1));
    expect(map.get('ok')).toBe(kept);
    await kept;
    expect(map.get('ok')).toBe(kept);

    let fail!: (error: Error) => void;
    const failing = new Promise<number>((_, reject) => (fail = reject));
    map.setUntilRejected('k', failing).catch(() => undefined);
    const newer = Promise.resolve(2);
    map.set('k', newer);
    fail(new Error('not fetched yet'));
    await failing.catch(() => undefined);
    await Promise.resolve();
    expect(map.get('k')).toBe(newer);

    const alone = Promise.reject(new Error('unreadable'));
    alone.catch(() => undefined);
    map.setUntilRejected('gone', alone);
    await alone.catch(() => undefined);
    await Promise.resolve();
    expect(map.has('gone')).toBe(false);
  });

  it('forgets a key only if it still holds the value a failure is about', () => {
    const map = new BoundedMap<string, string>({ maxEntries: 5 });
    map.set('k', 'first');
    map.set('k', 'second');
    map.deleteIf('k', 'first');
    expect(map.get('k')).toBe('second');
    map.deleteIf('k', 'second');
    expect(map.has('k')).toBe(false);
  });
});
