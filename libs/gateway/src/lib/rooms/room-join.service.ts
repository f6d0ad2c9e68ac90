import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ErrorCode,
  WEBSOCKET_EVENTS,
  parseRoom,
  type Ack,
  type DeliveredMessage,
  type JoinRoomResult,
  type ServerToClientEvents,
} from '@moonx-farm/events';
import { ROOM_STORE, type RoomStore } from '@moonx-farm/server-core';
import type { Socket } from 'socket.io';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';
import type { ParsedEnvelope } from './room-envelope.parser';
import { parseEnvelope } from './room-envelope.parser';
import { RoomAuthorizer } from './room-authorizer';
import { RoomFanoutService } from './room-fanout.service';
import { JoinQueue } from './join-queue';
import { JoinDeadline, JoinTimeoutError } from './join-deadline';
import { QuietStartCache } from './quiet-start.cache';
import { SharedStartReader } from './shared-start.reader';
import { SymbolDirectory } from './symbol-directory';

export interface GatewaySocketData {
  connectionId: string;
  userId?: string;
  /**
   * Rooms this socket holds a fan-out subscription for, from the start of its first join. The
   * values carry nothing: a Map, so that the one room most sockets are in stays a CompactMap.
   */
  rooms: Map<string, true>;
  tokenExpiresAt?: number;
  /** When the token was last verified (connect or refresh), epoch ms. */
  authenticatedAt: number;
  /** The current token's issue time, epoch ms (its `iat`), when it has one. */
  tokenIssuedAt?: number;
  ip: string;
}

export type GatewaySocket = Socket<Record<string, never>, ServerToClientEvents, Record<string, never>, GatewaySocketData>;

/**
 * Joining and leaving rooms. A join subscribes the replica first, then reads the snapshot
 * (or the history, on resume), so that no event falls between the two; events that arrive
 * meanwhile are held and sent after the ack, skipping what the snapshot already covers.
 * Before the ack it waits for the feed to catch up with the read (RoomFeed.sync): the live
 * messages of events the read holds come on another connection, and one processed after
 * the socket is back in the room would reach it a second time.
 */
@Injectable()
export class RoomJoinService {
  private readonly logger = new Logger('Joins');
  /** Joins of a room in one turn share its snapshot read (see SharedStartReader for why that is safe). */
  private readonly freshStarts = new SharedStartReader((room) => this.readFreshStart(room));
  /** And the joins after them, while the room has had no message since (see QuietStartCache). */
  private readonly quietStarts = new QuietStartCache<FreshStart>(QUIET_START_MAX_AGE_MS);
  private readonly queue = new JoinQueue<GatewaySocket>();

  constructor(
    @Inject(ROOM_STORE) private readonly store: RoomStore,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly fanout: RoomFanoutService,
    private readonly authorizer: RoomAuthorizer,
    private readonly symbols: SymbolDirectory,
  ) {
    fanout.followActivity(this.quietStarts);
  }

  async join(socket: GatewaySocket, roomName: string, resumeSeq: number | undefined, reply: (ack: Ack<JoinRoomResult>) => void): Promise<void> {
    const parsed = parseRoom(roomName);
    if (!parsed.ok) return reply(failure(ErrorCode.INVALID_ROOM, parsed.reason));
    const refusal = this.authorizer.authorize({ userId: socket.data.userId }, parsed.room);
    if (refusal) return reply({ ok: false, error: refusal });
    // One answer per join: the deadline's, or the join's own, whichever comes first.
    let answered = false;
    const answer = (ack: Ack<JoinRoomResult>) => {
      if (answered) return;
      answered = true;
      reply(ack);
    };
    const deadline = new JoinDeadline(this.options.joinTimeoutMs, `joining "${roomName}"`, (error) =>
      answer(failure(ErrorCode.INTERNAL_ERROR, `could not join "${roomName}": ${error.message}`)),
    );
    try {
      if ('symbol' in parsed.room && !(await deadline.within(this.symbols.isKnown(parsed.room.symbol)))) {
        return answer(failure(ErrorCode.UNKNOWN_SYMBOL, `"${parsed.room.symbol}" is not a listed symbol`));
      }
      const shareable = parsed.room.visibility === 'public';
      await this.queue.run(socket, roomName, () => this.enter(socket, roomName, resumeSeq, shareable, deadline, answer));
    } catch (error) {
      // The symbol check timed out (answered already) or failed.
      if (error instanceof JoinTimeoutError) return;
      this.logger.error(`symbol check of ${roomName} failed: ${(error as Error).message}`);
      answer(failure(ErrorCode.INTERNAL_ERROR, `could not join "${roomName}": ${(error as Error).message}`));
    } finally {
      deadline.clear();
    }
  }

  /**
   * Joins, or starts over in a room the socket is already live in (a resume after the join on
   * connect, a resync): live delivery to it stops until the ack, and the ack is followed by
   * every event after its seq, in order, even those the socket had already been sent live
   * before the ack. That is the one promise a client needs: after the ack, `seq` + 1, + 2, …
   */
  private async enter(
    socket: GatewaySocket,
    roomName: string,
    resumeSeq: number | undefined,
    shareable: boolean,
    deadline: JoinDeadline,
    reply: (ack: Ack<JoinRoomResult>) => void,
  ): Promise<void> {
    // Answered while it waited for its turn (the join before it hung): nothing more to do.
    if (!socket.connected || deadline.expired) return;
    const wasJoined = socket.data.rooms.has(roomName);
    if (!wasJoined && socket.data.rooms.size >= this.options.maxRoomsPerSocket) {
      return reply(failure(ErrorCode.TOO_MANY_ROOMS, `a connection may be in at most ${this.options.maxRoomsPerSocket} rooms`));
    }

    const held: ParsedEnvelope[] = [];
    const stopCollecting = this.fanout.collect(roomName, (envelope) => held.push(envelope));
    // Held from here on: what the room publishes while the starting point is read.
    if (wasJoined) socket.leave(roomName);
    else socket.data.rooms.set(roomName, true);
    try {
      await deadline.within(wasJoined ? this.fanout.whenReady(roomName) : this.fanout.acquire(roomName));
      const start = await deadline.within(this.startingPoint(roomName, resumeSeq, shareable));
      if (!socket.connected) return;
      // Left while the join was under way: the leave was answered, and the socket stays out.
      if (!socket.data.rooms.has(roomName)) return reply(failure(ErrorCode.NOT_JOINED, `left "${roomName}" before the join was answered`));
      // From here to the end, nothing awaits: no envelope can slip between ack and live events.
      socket.join(roomName);
      stopCollecting();
      reply({ ok: true, room: roomName, seq: start.seq, ...start.extra });
      sendInOrder(socket, start.seq, [...start.replay, ...held]);
      // A reply with a snapshot, or a replay, can leave a queue as large as any update does.
      this.fanout.backlog.note(socket);
      this.fanout.caughtUpTo(socket, roomName);
    } catch (error) {
      if (!wasJoined) this.forget(socket, roomName);
      else if (socket.connected && socket.data.rooms.has(roomName)) {
        // Back to live as it was: what arrived meanwhile follows; the client resumes to fill any gap.
        socket.join(roomName);
        stopCollecting();
        held.forEach((envelope) => emitDelivered(socket, envelope));
      }
      reply(failure(ErrorCode.INTERNAL_ERROR, `could not join "${roomName}": ${(error as Error).message}`));
    } finally {
      stopCollecting();
    }
  }

  leave(socket: GatewaySocket, roomName: string): boolean {
    if (!socket.data.rooms.has(roomName)) return false;
    socket.leave(roomName);
    this.forget(socket, roomName);
    return true;
  }

  /** Called on disconnect: gives back every fan-out subscription the socket held. */
  leaveAll(socket: GatewaySocket): void {
    for (const room of socket.data.rooms.keys()) this.fanout.release(room);
    socket.data.rooms.clear();
  }

  private forget(socket: GatewaySocket, roomName: string): void {
    if (socket.data.rooms.delete(roomName)) this.fanout.release(roomName);
  }

  private async startingPoint(room: string, resumeSeq: number | undefined, shareable: boolean) {
    if (resumeSeq !== undefined) {
      const history = await this.store.readSince(room, resumeSeq, this.options.maxResumeEvents);
      const reachesLatest = history.complete && resumeSeq + history.envelopes.length >= history.lastSeq;
      if (history.complete && reachesLatest) {
        await this.fanout.sync(room);
        const replay = history.envelopes.map(parseEnvelope).filter((item): item is ParsedEnvelope => item !== undefined);
        return { seq: resumeSeq, replay, extra: { resumed: true, replayed: replay.length } };
      }
      const fresh = await this.freshStart(room, shareable);
      return { ...fresh, extra: { ...fresh.extra, resumed: false } };
    }
    return this.freshStart(room, shareable);
  }

  /**
   * Shared by the joins that share the read, and by the joins after it while the room stays
   * quiet: nothing here may be changed by one of them. A private room's members are one user's
   * few connections: there is little to share, so its read is sent at once.
   */
  private freshStart(room: string, shareable: boolean): Promise<FreshStart> {
    return shareable ? this.quietStarts.startOf(room, () => this.freshStarts.startOf(room)) : this.readFreshStart(room);
  }

  private async readFreshStart(room: string): Promise<FreshStart> {
    const { seq, snapshot } = await this.store.readStart(room);
    // With a snapshot the join starts at it: the client takes the snapshot as the room's state.
    const start: FreshStart = snapshot
      ? { seq: snapshot.seq, replay: [], extra: { snapshot: JSON.parse(snapshot.message) as DeliveredMessage } }
      : { seq, replay: [], extra: {} };
    await this.fanout.sync(room);
    return start;
  }
}

/**
 * How long a quiet room's starting point is kept at most, ms: a bound on staleness from anything
 * that could change the store without a message (the feed's interruptions end it at once).
 */
const QUIET_START_MAX_AGE_MS = 5000;

interface FreshStart {
  seq: number;
  replay: readonly ParsedEnvelope[];
  extra: { snapshot?: DeliveredMessage };
}

/** Sends what follows `seq`, each seq once, in order (a replay and the events held meanwhile overlap). */
function sendInOrder(socket: GatewaySocket, seq: number, envelopes: readonly ParsedEnvelope[]): void {
  let lastSent = seq;
  for (const envelope of envelopes) {
    if (envelope.seq <= lastSent) continue;
    emitDelivered(socket, envelope);
    lastSent = envelope.seq;
  }
}

function failure(code: ErrorCode, message: string): Ack<JoinRoomResult> {
  return { ok: false, error: { code, message } };
}

/** Sends a delivered message under its event name (the one cast the typed maps need). */
export function emitDelivered(socket: GatewaySocket, envelope: ParsedEnvelope): void {
  (socket.emit as (event: string, payload: DeliveredMessage) => boolean)(WEBSOCKET_EVENTS[envelope.type], envelope.payload);
}
