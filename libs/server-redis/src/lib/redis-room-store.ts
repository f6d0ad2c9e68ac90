import { roomKeys } from '@moonx-farm/events';
import type {
  AppendRequest,
  AppendResult,
  HistoryRead,
  RoomStart,
  RoomStore,
  RoomStoreLimits,
  StoredSnapshot,
} from '@moonx-farm/server-core';
import { seqConflictMessage } from '@moonx-farm/server-core';
import { APPEND_EVENT_LUA } from './append-event.lua';
import type { RedisConnection } from './redis-connection.factory';

type AppendReply = [number, 0 | 1];
type StreamEntry = [id: string, fields: string[]];

interface WithAppendCommand {
  wsgAppendEvent(
    seqKey: string,
    snapshotKey: string,
    historyKey: string,
    seenKey: string,
    ...args: (string | number)[]
  ): Promise<AppendReply>;
}

/** RoomStore on Redis (single node or Cluster): one Lua script per appended event. */
export class RedisRoomStore implements RoomStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly limits: RoomStoreLimits,
    private readonly keyPrefix: string,
  ) {
    redis.defineCommand('wsgAppendEvent', { numberOfKeys: 4, lua: APPEND_EVENT_LUA });
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    const keys = roomKeys(request.room, this.keyPrefix);
    const reply = (this.redis as unknown as WithAppendCommand).wsgAppendEvent(
      keys.seq,
      keys.snapshot,
      keys.history,
      keys.seen,
      request.eventId,
      request.type,
      JSON.stringify(request.room),
      request.publishedAt,
      request.messageTail,
      request.snapshotTail ?? '',
      this.limits.historyLimit,
      this.limits.dedupeWindow,
      keys.channel,
      request.expectedSeq ?? '',
    );
    const [seq, duplicate] = await reply.catch((error: Error) => {
      throw refusalOf(error, request);
    });
    return { seq: Number(seq), duplicate: duplicate === 1 };
  }

  async knownEventIds(room: string, eventIds: readonly string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    // The seen-ids sorted set the append script keeps: a score means the id was sequenced.
    const scores = await this.redis.zmscore(roomKeys(room, this.keyPrefix).seen, ...eventIds);
    return new Set(eventIds.filter((_id, index) => scores[index] !== null));
  }

  async currentSeq(room: string): Promise<number> {
    return Number((await this.redis.get(roomKeys(room, this.keyPrefix).seq)) ?? 0);
  }

  async snapshot(room: string): Promise<StoredSnapshot | undefined> {
    const message = await this.redis.get(roomKeys(room, this.keyPrefix).snapshot);
    if (message === null) return undefined;
    return { seq: seqOfMessage(message), message };
  }

  async readStart(room: string): Promise<RoomStart> {
    const keys = roomKeys(room, this.keyPrefix);
    // One MGET: both keys carry the room's hash tag, so a Cluster answers it from one node.
    const [message, seq] = await this.redis.mget(keys.snapshot, keys.seq);
    const current = Number(seq ?? 0);
    return message === null ? { seq: current } : { seq: current, snapshot: { seq: seqOfMessage(message), message } };
  }

  async readSince(room: string, afterSeq: number, limit: number): Promise<HistoryRead> {
    const keys = roomKeys(room, this.keyPrefix);
    // One transaction so the first entry, the range and the current seq agree.
    const replies = await this.redis
      .multi()
      .get(keys.seq)
      .xrange(keys.history, '-', '+', 'COUNT', 1)
      .xrange(keys.history, `${afterSeq + 1}-0`, '+', 'COUNT', limit)
      .exec();
    if (!replies) throw new Error('Redis transaction aborted');
    for (const [error] of replies) if (error) throw error;
    const lastSeq = Number(replies[0][1] ?? 0);
    if (afterSeq >= lastSeq) return { complete: true, envelopes: [], lastSeq };
    const first = (replies[1][1] as StreamEntry[])[0];
    if (!first || seqOfEntryId(first[0]) > afterSeq + 1) return { complete: false, lastSeq };
    const envelopes = (replies[2][1] as StreamEntry[]).map(([, fields]) => fields[1]);
    return { complete: true, envelopes, lastSeq };
  }

  async close(): Promise<void> {
    // The connection is owned by whoever created it.
  }
}

function seqOfEntryId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

const SEQ_PREFIX = /^\{"seq":(\d+),/;
/** The append script's refusal of an expected seq: `SEQ_CONFLICT <current seq>`. */
const SEQ_CONFLICT = /^SEQ_CONFLICT (\d+)/;

/** The script's refusal of an expected seq in the words every store uses; any other error as it is. */
function refusalOf(error: Error, request: AppendRequest): Error {
  const conflict = SEQ_CONFLICT.exec(error.message);
  if (!conflict || request.expectedSeq === undefined) return error;
  return new Error(seqConflictMessage(request.room, Number(conflict[1]), request.expectedSeq));
}

function seqOfMessage(message: string): number {
  const match = SEQ_PREFIX.exec(message);
  if (!match) throw new Error('stored snapshot has no seq');
  return Number(match[1]);
}
