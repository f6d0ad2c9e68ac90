import type { RoomStore } from '@moonx-farm/server-core';

export type HeldRead = 'readSince' | 'readStart';

/**
 * The next `method` call of the store for `room` is made at once and answered as the store was
 * then, but only once released; `restore` puts the store's own method back.
 */
export function holdNextRead(store: RoomStore, method: HeldRead, room: string) {
  let sent = false;
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  const reads = store as unknown as Record<HeldRead, (...args: unknown[]) => Promise<unknown>>;
  const original = reads[method];
  reads[method] = async (...args: unknown[]) => {
    const answer = await original.apply(store, args);
    if (!sent && args[0] === room) {
      sent = true;
      await released;
    }
    return answer;
  };
  return {
    sent: () => sent,
    release: () => release(),
    restore: () => {
      release();
      reads[method] = original;
    },
  };
}
