import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { ErrorCode, parseRoom, type DeliveredMessage, type DEXEventType } from '@moonx-farm/events';
import { ROOM_STORE, type RoomStore } from '@moonx-farm/server-core';
import { GATEWAY_METRICS } from '../gateway-metrics';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';
import { emitDelivered, type GatewaySocket } from './room-join.service';
import { outgoingBytes } from './outgoing-buffer';
import { pausedRoomOf } from './internal-rooms';
import { RoomFanoutService } from './room-fanout.service';
import type { ParsedEnvelope } from './room-envelope.parser';

/** Market data rooms may be conflated (latest wins); every other room is never dropped. */
const CONFLATABLE = new Set(['price', 'orderbook']);

/**
 * Keeps the gateway's memory bounded whatever clients do. A socket whose outgoing buffer
 * passes the high-water mark stops receiving market data (it is paused in those rooms: later
 * updates supersede the skipped ones); once it has drained below the low-water mark it gets
 * each paused room's snapshot with its seq and goes live again. Private events are never
 * dropped: a socket that cannot take them within the hard limit is disconnected with a
 * reason, and resumes from its last seq on reconnect.
 */
@Injectable()
export class SlowSocketMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('SlowSockets');
  private readonly paused = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly fanout: RoomFanoutService,
    @Inject(ROOM_STORE) private readonly store: RoomStore,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    @InjectMetric(GATEWAY_METRICS.slowSocketActions) private readonly actions: Counter<'action'>,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => this.sweep(), this.options.slowSocketCheckMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /**
   * Looks at the sockets fan-out left bytes queued for (backlog-watch.ts), not at every socket:
   * a socket's queue only grows when something is written to it. A paused socket stays watched
   * until it is resumed; one below the low-water mark is let go until its next queued write.
   */
  sweep(): void {
    const backlog = this.fanout.backlog;
    if (backlog.size === 0) return;
    for (const noted of backlog) {
      const socket = noted as GatewaySocket;
      if (!socket.connected) {
        backlog.settle(socket);
        this.paused.delete(socket.id);
        continue;
      }
      const bytes = outgoingBytes(socket);
      const pausedRooms = this.paused.get(socket.id);
      if (bytes > this.options.maxSocketBufferBytes) {
        this.actions.inc({ action: 'disconnected' });
        socket.emit('error', { code: ErrorCode.SERVER_BUSY, message: 'connection too slow to keep up; reconnect and resume' });
        socket.disconnect(true);
        this.paused.delete(socket.id);
        backlog.settle(socket);
      } else if (!pausedRooms && bytes > this.options.slowSocketBytes) {
        this.pause(socket);
      } else if (bytes < this.options.slowSocketBytes / 4) {
        if (pausedRooms) {
          this.paused.delete(socket.id);
          for (const room of pausedRooms) void this.resume(socket, room);
        }
        backlog.settle(socket);
      }
    }
  }

  forget(socket: GatewaySocket): void {
    this.paused.delete(socket.id);
    this.fanout.backlog.settle(socket);
  }

  private pause(socket: GatewaySocket): void {
    const rooms = [...socket.data.rooms.keys()].filter((room) => {
      const parsed = parseRoom(room);
      return parsed.ok && CONFLATABLE.has(parsed.room.kind);
    });
    if (rooms.length === 0) return;
    this.paused.set(socket.id, new Set(rooms));
    for (const room of rooms) socket.join(pausedRoomOf(room));
    this.actions.inc({ action: 'paused' });
  }

  /** Snapshot first, then the updates that arrived meanwhile, as a join does. */
  private async resume(socket: GatewaySocket, room: string): Promise<void> {
    const held: ParsedEnvelope[] = [];
    const stop = this.fanout.collect(room, (envelope) => held.push(envelope));
    try {
      const snapshot = await this.store.snapshot(room);
      socket.leave(pausedRoomOf(room));
      if (!socket.connected || !socket.data.rooms.has(room)) return;
      stop();
      let last = 0;
      if (snapshot) {
        const message = JSON.parse(snapshot.message) as DeliveredMessage;
        const type = held[0]?.type ?? typeOfRoom(room);
        socket.emit('snapshot', { ...message, type });
        last = snapshot.seq;
      }
      for (const envelope of held) {
        if (envelope.seq <= last) continue;
        emitDelivered(socket, envelope);
        last = envelope.seq;
      }
      this.fanout.caughtUpTo(socket, room);
      this.actions.inc({ action: 'resynced' });
    } catch (error) {
      this.logger.warn(`resync of ${room} failed: ${(error as Error).message}`);
      socket.leave(pausedRoomOf(room));
    } finally {
      stop();
    }
  }
}

function typeOfRoom(room: string): DEXEventType {
  return (room.startsWith('orderbook:') ? 'order_book_update' : 'price_update') as DEXEventType;
}
