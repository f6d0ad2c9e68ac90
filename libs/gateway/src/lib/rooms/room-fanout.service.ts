import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { Server, Socket } from 'socket.io';
import { DEXEventType, WEBSOCKET_EVENTS } from '@moonx-farm/events';
import { ROOM_FEED, type RoomFeed } from '@moonx-farm/server-core';
import { GATEWAY_METRICS } from '../gateway-metrics';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';
import { BacklogWatch } from './backlog-watch';
import { BatchedDelivery } from './batched-delivery';
import { FrameBudget } from './frame-budget';
import { BATCH_ROOM, pausedRoomOf, skipRoomOf } from './internal-rooms';
import { writeToRoom } from './room-frame-writer';
import { parseEnvelope, type ParsedEnvelope } from './room-envelope.parser';

type JoinCollector = (envelope: ParsedEnvelope) => void;

/** Told what the replica sees of its rooms' traffic (quiet-start.cache.ts keeps starting points by it). */
export interface RoomActivityListener {
  /** A message of the room arrived (malformed ones too). */
  noteMessage(room: string): void;
  /** The replica gave back the room's subscription: its messages are no longer seen. */
  noteReleased(room: string): void;
  /** The feed may have lost messages of any room. */
  noteInterrupted(): void;
}

interface RoomSubscription {
  members: number;
  ready: Promise<void>;
}

/**
 * The replica's side of fan-out: subscribes to a room's channel while it has local members,
 * and hands each envelope to the local sockets of the room. Sockets in the middle of a join
 * get envelopes through a collector instead, so their ack comes first and the events that
 * follow it are contiguous.
 */
@Injectable()
export class RoomFanoutService implements OnModuleDestroy {
  private readonly logger = new Logger('Fanout');
  private readonly subscriptions = new Map<string, RoomSubscription>();
  private readonly collectors = new Map<string, Set<JoinCollector>>();
  private server: Server | undefined;
  private readonly batched: BatchedDelivery;
  private readonly budget: FrameBudget;
  /** Sockets fan-out left bytes queued for: what the slow-socket monitor checks. */
  readonly backlog = new BacklogWatch();
  private activity: RoomActivityListener | undefined;

  constructor(
    @Inject(ROOM_FEED) private readonly feed: RoomFeed,
    @InjectMetric(GATEWAY_METRICS.messages) private readonly messages: Counter<'event'>,
    @InjectMetric(GATEWAY_METRICS.broadcastLatency) private readonly broadcastLatency: Histogram<'type'>,
    @InjectMetric(GATEWAY_METRICS.priceLatency) private readonly priceLatency: Histogram,
    @InjectMetric(GATEWAY_METRICS.conflated) private readonly conflated: Counter,
    @InjectMetric(GATEWAY_METRICS.frameBudget) frameBudgetGauge: Gauge,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
  ) {
    this.budget = new FrameBudget(
      {
        minFramesPerSec: options.batchMinFramesPerSec,
        maxFramesPerSec: options.batchMaxFramesPerSec,
        targetLoad: options.batchTargetLoadPercent / 100,
      },
      (framesPerSec) => frameBudgetGauge.set(framesPerSec),
    );
    this.batched = new BatchedDelivery(
      { windowMs: options.batchWindowMs, budget: this.budget, backlog: this.backlog },
      (item, writtenAt) => this.observeLatency(item.type, writtenAt - item.timestamp),
    );
    feed.setListener((room, raw) => this.dispatch(room, raw));
    feed.setInterruptionListener(() => this.activity?.noteInterrupted());
  }

  /** Tells `listener` of every message, given-back subscription and feed interruption from now on. */
  followActivity(listener: RoomActivityListener): void {
    this.activity = listener;
  }

  attach(server: Server): void {
    this.server = server;
    this.batched.attach(server);
    this.budget.start();
  }

  /** Counts a local member; the first one subscribes the replica to the room's channel. */
  async acquire(room: string): Promise<void> {
    let subscription = this.subscriptions.get(room);
    if (!subscription) {
      subscription = { members: 0, ready: this.feed.subscribe(room) };
      this.subscriptions.set(room, subscription);
      subscription.ready.catch(() => {
        if (this.subscriptions.get(room) !== subscription) return;
        this.subscriptions.delete(room);
        this.activity?.noteReleased(room);
      });
    }
    subscription.members++;
    await subscription.ready;
  }

  /** Resolves when the replica's subscription to the room (if any) is in place. */
  async whenReady(room: string): Promise<void> {
    await this.subscriptions.get(room)?.ready;
  }

  /** Resolves once every message the room published before the call has been dispatched (RoomFeed.sync). */
  sync(room: string): Promise<void> {
    return this.feed.sync(room);
  }

  release(room: string): void {
    const subscription = this.subscriptions.get(room);
    if (!subscription) return;
    subscription.members--;
    if (subscription.members > 0) return;
    this.subscriptions.delete(room);
    this.activity?.noteReleased(room);
    this.feed.unsubscribe(room).catch((error: Error) => this.logger.warn(`unsubscribe ${room}: ${error.message}`));
  }

  /** Receives the room's envelopes until the returned function is called. */
  collect(room: string, collector: JoinCollector): () => void {
    let set = this.collectors.get(room);
    if (!set) {
      set = new Set();
      this.collectors.set(room, set);
    }
    set.add(collector);
    return () => {
      set.delete(collector);
      if (set.size === 0 && this.collectors.get(room) === set) this.collectors.delete(room);
    };
  }

  /**
   * A socket was just sent everything of `room` so far directly (join replay, resync): the
   * batched updates it already has must not reach it twice.
   */
  caughtUpTo(socket: Socket, room: string): void {
    this.batched.caughtUpTo(socket, room);
  }

  get subscribedRooms(): number {
    return this.subscriptions.size;
  }

  /** Frames per second batched delivery may write now (follows the event loop's load). */
  get frameBudget(): number {
    return this.budget.framesPerSec;
  }

  onModuleDestroy(): void {
    this.budget.stop();
    this.collectors.clear();
  }

  private dispatch(room: string, raw: string): void {
    this.activity?.noteMessage(room);
    const envelope = parseEnvelope(raw);
    if (!envelope) {
      this.logger.warn(`dropped a malformed envelope on room ${room}`);
      return;
    }
    this.collectors.get(room)?.forEach((collector) => collector(envelope));
    const server = this.server;
    if (!server) return;
    const eventName = WEBSOCKET_EVENTS[envelope.type];
    // local: every replica with members gets the room's channel itself; nothing to relay.
    const paused = pausedRoomOf(room);
    // The event packet body `["name",payload]`, serialised once for both delivery paths.
    const packetBody = JSON.stringify([eventName, envelope.payload]);
    const timestamp = envelope.payload.timestamp;
    // Plain sockets get each update now; batch-mode sockets in the next pass (batched-delivery.ts).
    const batchMembers = server.sockets.adapter.rooms.get(BATCH_ROOM)?.size ?? 0;
    if (batchMembers < server.sockets.sockets.size) {
      const excluded = [skipRoomOf(envelope.type), paused, BATCH_ROOM];
      const written = writeToRoom(server, room, packetBody, eventName, envelope.payload, excluded, this.backlog);
      if (written > 0) this.observeLatency(envelope.type, Date.now() - timestamp);
    }
    this.batched.add(room, { type: envelope.type, body: packetBody, timestamp });
    const rooms = server.sockets.adapter.rooms;
    const conflated = rooms.get(paused)?.size ?? 0;
    this.messages.inc({ event: eventName }, (rooms.get(room)?.size ?? 0) - conflated);
    if (conflated > 0) this.conflated.inc(conflated);
  }

  /** Producer → socket write, per event type (what the benchmark sees, from the server's side). */
  private observeLatency(type: DEXEventType, latencyMs: number): void {
    const latencySec = latencyMs / 1000;
    this.broadcastLatency.observe({ type }, latencySec);
    if (type === DEXEventType.PRICE_UPDATE) this.priceLatency.observe(latencySec);
  }
}
