import { batchFrame } from './batch-frame.builder';

/**
 * Size of the buffer that frames no other socket can share are built in; a larger frame gets its
 * own. Node's pool of small Buffers is as large: a stream that keeps a frame (see `kept`) then
 * holds on to no more memory than it would with a pooled frame.
 */
const SCRATCH_BYTES = Buffer.poolSize;
/** Lookups a pass makes before it judges whether keying frames pays (see BatchFrames). */
const SHARE_PROBE = 64;

/**
 * The frames of batched delivery's writes, built as cheaply as what the sockets have in common
 * allows.
 *
 * - **Shared.** Sockets owed the same updates (one busy room, or the same few rooms joined at the
 *   same time) get the same bytes: a frame is built once per key (the socket's cursor and rooms)
 *   while no new update arrived, and written to each of them.
 * - **Unshared.** Sockets each in their own mix of rooms almost never share a frame (scenario 1 of
 *   the bench: 5,000 sockets, 6 rooms of 100 each). There the key string, its hashing and the
 *   map of frames kept per key are wasted, so a pass whose first SHARE_PROBE lookups found less
 *   than a quarter to share stops keying, and the next pass tries again. Such a frame is built in
 *   one reused buffer: the kernel copies it during the write, so no buffer is made per frame
 *   (above 4 KiB each one was a fresh allocation, freed by the garbage collector later).
 *
 * The reused buffer is safe only while nothing of it stays queued in the socket's stream: it is
 * used only for a socket with nothing queued, and when the write still leaves bytes queued the
 * stream keeps that view of it and a new buffer takes its place (`kept`).
 */
export class BatchFrames {
  private shared = new Map<string, Buffer>();
  /** The update index the shared frames were built at. */
  private sharedAt = 0;
  private scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  private readonly parts: Buffer[] = [];
  private lookups = 0;
  private hits = 0;
  /** Whether this pass keys its frames (callers build the key only then). */
  sharing = true;

  /** A pass starts: keying is tried again. */
  startPass(): void {
    this.sharing = true;
    this.lookups = 0;
    this.hits = 0;
  }

  /**
   * The frame of `owed` for a socket. `key` names what it is owed (undefined: a frame of its own);
   * `index` is the last update logged so far; `reusable`: the socket has nothing queued.
   */
  frameFor(key: string | undefined, owed: readonly { bytes: Buffer }[], index: number, reusable: boolean): Buffer {
    if (key === undefined) return this.build(owed, reusable);
    if (this.sharedAt !== index) {
      this.clear();
      this.sharedAt = index;
    }
    let frame = this.shared.get(key);
    if (frame) this.hits++;
    else {
      frame = this.build(owed, false);
      this.shared.set(key, frame);
    }
    if (++this.lookups === SHARE_PROBE && this.hits * 4 < SHARE_PROBE) {
      this.sharing = false;
      this.clear();
    }
    return frame;
  }

  /** The stream kept `frame` (some of it is queued): the buffer it was built in is the stream's now. */
  kept(frame: Buffer): void {
    if (frame.buffer === this.scratch.buffer) this.scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  }

  /** Drops the shared frames (the updates they hold were trimmed). */
  clear(): void {
    this.shared = new Map();
  }

  private build(owed: readonly { bytes: Buffer }[], reusable: boolean): Buffer {
    const parts = this.parts;
    parts.length = 0;
    for (let i = 0; i < owed.length; i++) parts.push(owed[i].bytes);
    const frame = batchFrame(parts, reusable ? this.scratch : undefined);
    parts.length = 0;
    return frame;
  }
}
