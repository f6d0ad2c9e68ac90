/**
 * The listeners of one event, kept the way Node's EventEmitter keeps them internally but
 * without its per-object dictionary: the listener itself in the slot, an array only once the
 * event has several (Engine.IO adds two for 'error' on a new connection).
 */
export type Slot<L> = L | L[] | undefined;

export function added<L>(slot: Slot<L>, listener: L): Slot<L> {
  if (slot === undefined) return listener;
  if (Array.isArray(slot)) {
    slot.push(listener);
    return slot;
  }
  return [slot, listener];
}

/** Removes the last registration of `listener`, as EventEmitter does. */
export function removed<L>(slot: Slot<L>, listener: L): Slot<L> {
  if (slot === listener) return undefined;
  if (!Array.isArray(slot)) return slot;
  const index = slot.lastIndexOf(listener);
  if (index < 0) return slot;
  const rest = slot.filter((_, i) => i !== index);
  return rest.length === 0 ? undefined : rest.length === 1 ? rest[0] : rest;
}

/** Calls each listener of the slot with `args`; a list is copied first, so a listener may remove itself (as `once` does). */
export function emitTo<A extends unknown[]>(slot: Slot<(...args: A) => void>, ...args: A): void {
  if (typeof slot === 'function') slot(...args);
  else if (slot !== undefined) for (const listener of slot.slice()) listener(...args);
}
