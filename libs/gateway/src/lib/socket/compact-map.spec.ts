import { CompactMap } from './compact-map';

describe('CompactMap', () => {
  it('holds one entry without a Map and answers as a Map does', () => {
    const map = new CompactMap<string, number>();
    expect(map.size).toBe(0);
    expect(map.get('a')).toBeUndefined();
    expect(map.set('a', 1)).toBe(map);
    expect(map.set('a', 2).get('a')).toBe(2);
    expect(map.has('a')).toBe(true);
    expect(map.has('b')).toBe(false);
    expect(map.size).toBe(1);
    expect([...map]).toEqual([['a', 2]]);
    expect(map.delete('b')).toBe(false);
    expect(map.delete('a')).toBe(true);
    expect(map.size).toBe(0);
    expect([...map.keys()]).toEqual([]);
  });

  it('keeps insertion order and every entry once it holds several', () => {
    const map = new CompactMap<string, number>([['a', 1]]);
    map.set('b', 2).set('c', 3).set('a', 10);
    expect([...map.entries()]).toEqual([['a', 10], ['b', 2], ['c', 3]]);
    expect([...map.keys()]).toEqual(['a', 'b', 'c']);
    expect([...map.values()]).toEqual([10, 2, 3]);
    expect(map.delete('b')).toBe(true);
    expect(map.size).toBe(2);
    map.clear();
    expect(map.size).toBe(0);
    expect(map.set('d', 4).get('d')).toBe(4);
  });

  it('compares keys as a Map does (SameValueZero)', () => {
    const map = new CompactMap<number, string>();
    map.set(NaN, 'nan');
    expect(map.get(NaN)).toBe('nan');
    map.clear();
    map.set(0, 'zero');
    expect(map.get(-0)).toBe('zero');
    const object = {};
    const byObject = new CompactMap<object, number>([[object, 1]]);
    expect(byObject.get({})).toBeUndefined();
    expect(byObject.get(object)).toBe(1);
  });

  it('lets an entry be deleted while it is iterated (as Socket.IO closes a client)', () => {
    for (const entries of [[['a', 1]], [['a', 1], ['b', 2]]] as [string, number][][]) {
      const map = new CompactMap<string, number>(entries);
      const seen: number[] = [];
      for (const [key, value] of map) {
        seen.push(value);
        map.delete(key);
      }
      expect(seen).toEqual(entries.map(([, value]) => value));
      expect(map.size).toBe(0);
    }
  });

  it('calls forEach with value, key and the map', () => {
    const map = new CompactMap<string, number>([['a', 1]]);
    const calls: unknown[] = [];
    map.forEach((value, key, self) => calls.push([value, key, self === map]));
    expect(calls).toEqual([[1, 'a', true]]);
    expect(Object.prototype.toString.call(map)).toBe('[object Map]');
  });
});
