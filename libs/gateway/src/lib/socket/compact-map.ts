/**
 * A Map that holds its first entry in two fields and makes a real Map only for a second one.
 *
 * Per connection, Socket.IO keeps maps that almost always hold one entry or none (its client's
 * sockets and namespaces, its socket's pending acknowledgements) and the gateway keeps one of the
 * rooms a socket joined. An empty or one-entry `Map` costs about 180 B of heap in V8 (its hash
 * table is allocated for four entries up front); this object costs 56 B until it needs more.
 * Behaves as a Map (insertion order, SameValueZero keys, deleting while iterating), so it can
 * stand in where code only calls Map's methods.
 */
export class CompactMap<K, V> implements Map<K, V> {
  private soleKey: K | undefined = undefined;
  private soleValue: V | undefined = undefined;
  private holdsSole = false;
  private map: Map<K, V> | undefined = undefined;

  constructor(entries?: Iterable<readonly [K, V]>) {
    if (entries) for (const [key, value] of entries) this.set(key, value);
  }

  get size(): number {
    return this.map ? this.map.size : this.holdsSole ? 1 : 0;
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }

  get(key: K): V | undefined {
    if (this.map) return this.map.get(key);
    return this.holdsSole && sameKey(this.soleKey, key) ? this.soleValue : undefined;
  }

  has(key: K): boolean {
    if (this.map) return this.map.has(key);
    return this.holdsSole && sameKey(this.soleKey, key);
  }

  set(key: K, value: V): this {
    if (this.map) {
      this.map.set(key, value);
    } else if (!this.holdsSole || sameKey(this.soleKey, key)) {
      this.soleKey = key;
      this.soleValue = value;
      this.holdsSole = true;
    } else {
      this.map = new Map([[this.soleKey as K, this.soleValue as V]]);
      this.map.set(key, value);
      this.forgetSole();
    }
    return this;
  }

  delete(key: K): boolean {
    if (this.map) return this.map.delete(key);
    if (!this.holdsSole || !sameKey(this.soleKey, key)) return false;
    this.forgetSole();
    return true;
  }

  clear(): void {
    this.map?.clear();
    this.forgetSole();
  }

  forEach(callback: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  *entries(): MapIterator<[K, V]> {
    if (this.map) return yield* this.map.entries();
    if (this.holdsSole) yield [this.soleKey as K, this.soleValue as V];
  }

  *keys(): MapIterator<K> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  private forgetSole(): void {
    this.soleKey = undefined;
    this.soleValue = undefined;
    this.holdsSole = false;
  }
}

/** Map's key equality (SameValueZero): NaN equals NaN, +0 equals -0. */
function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}
