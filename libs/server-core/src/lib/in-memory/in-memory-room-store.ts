import type {
  AppendRequest,
  AppendResult,
  HistoryRead,
  RoomStart,
  RoomStore,
  RoomStoreLimits,
  StoredSnapshot,
} from '../ports/room-store.port';
import { seqConflictMessage } from '../ports/room-store.port';
import { buildEnvelope, buildMessage } from '../room-message-builder';
import type { InMemoryPubSubHub } from './in-memory-room-feed';

interface RoomState {
  seq: number;
  snapshot?: StoredSnapshot;
  history: { seq: number; envelope: string }[];
  seen: Map<string, number>;
}

/** The embedded RoomStore: same semantics as the Redis store, held in process memory. */
export class InMemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, RoomState>();

  constructor(
    private readonly hub: InMemoryPubSubHub,
    private readonly limits: RoomStoreLimits,
  ) {}

  async append(request: AppendRequest): Promise<AppendResult> {
    const state = this.stateOf(request.room);
    const known = state.seen.get(request.eventId);
    if (known !== undefined) return { seq: known, duplicate: true };
    if (request.expectedSeq !== undefined && request.expectedSeq !== state.seq + 1) {
      throw new Error(seqConflictMessage(request.room, state.seq, request.expectedSeq));
    }

    const seq = ++state.seq;
    state.seen.set(request.eventId, seq);
    if (state.seen.size > this.limits.dedupeWindow) {
      // Maps iterate in insertion order: the first key is the oldest id.
      state.seen.delete(state.seen.keys().next().value as string);
    }
    if (request.snapshotTail !== undefined) {
      state.snapshot = { seq, message: buildMessage(seq, request.snapshotTail) };
    }
    const envelope = buildEnvelope(request, seq);
    state.history.push({ seq, envelope });
    if (state.history.length > this.limits.historyLimit) state.history.shift();
    this.hub.publish(request.room, envelope);
    return { seq, duplicate: false };
  }

  async knownEventIds(room: string, eventIds: readonly string[]): Promise<Set<string>> {
    const seen = this.rooms.get(room)?.seen;
    return new Set(seen ? eventIds.filter((id) => seen.has(id)) : []);
  }

  async currentSeq(room: string): Promise<number> {
    return this.rooms.get(room)?.seq ?? 0;
  }

  async snapshot(room: string): Promise<StoredSnapshot | undefined> {
    return this.rooms.get(room)?.snapshot;
  }

  async readStart(room: string): Promise<RoomStart> {
    const state = this.rooms.get(room);
    return state?.snapshot ? { seq: state.seq, snapshot: state.snapshot } : { seq: state?.seq ?? 0 };
  }

  async readSince(room: string, afterSeq: number, limit: number): Promise<HistoryRead> {
    const state = this.rooms.get(room);
    const lastSeq = state?.seq ?? 0;
    if (!state || afterSeq >= lastSeq) return { complete: true, envelopes: [], lastSeq };
    const oldest = state.history[0]?.seq ?? lastSeq + 1;
    if (afterSeq + 1 < oldest) return { complete: false, lastSeq };
    const envelopes = state.history
      .filter((entry) => entry.seq > afterSeq)
      .slice(0, limit)
      .map((entry) => entry.envelope);
    return { complete: true, envelopes, lastSeq };
  }

  async close(): Promise<void> {
    this.rooms.clear();
  }

  private stateOf(room: string): RoomState {
    let state = this.rooms.get(room);
    if (!state) {
      state = { seq: 0, history: [], seen: new Map() };
      this.rooms.set(room, state);
    }
    return state;
  }
}
