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

  it('refuses a size below one', () => {
    expect(() => new BoundedMap({ maxEntries: 0 })).toThrow(RangeError);
  });
});
