import { LatencyHistogram } from '../lib/latency-histogram';
import { engineIoUrl, preciseNowMs, readDeliveryHead, scanBatchHeads } from '../lib/socket-io-wire';
import type {
  ConnectCommand,
  ConnectResult,
  GeneratorCommand,
  GeneratorReply,
  GeneratorRequest,
  GeneratorStats,
} from './generator-protocol';
import { LeanClient } from './lean-client';

/*
 * The load generator: its own process (forked by the runner, pinned to other cores than the
 * server), holding many lean Socket.IO clients. For every delivered data event it records
 * the latency from the producer's send time (carried in the event id) to receipt, and checks
 * per-room seq continuity per client. Commands and results travel over the IPC channel.
 */

const DATA_EVENTS = new Set(['price_update', 'order_book_update', 'trade_notification', 'portfolio_update', 'system_alert']);

const histogram = new LatencyHistogram();
let clients: LeanClient[] = [];
let received = 0;
let frames = 0;
let gaps = 0;
let outOfOrder = 0;
let untimed = 0;
let disconnects = 0;
let snapshots = 0;
// Per update, keyed by its send time (unique per producer) less updatesBaseUs: [send time, first
// receipt, last receipt, count]. The offset keeps keys small integers (a step lasts seconds),
// which V8 hashes without boxing a double per delivery (a million a second in scenario 5).
let updates: Map<number, [number, number, number, number]> | undefined;
let updatesBaseUs = 0;
const members = new Map<string, number>();
// Rooms numbered in the order first seen, so a client's per-room seq is an array slot, not a map entry.
const roomIds = new Map<string, number>();

function roomIdOf(room: string): number {
  let id = roomIds.get(room);
  if (id === undefined) roomIds.set(room, (id = roomIds.size));
  return id;
}

function onEvent(client: LeanClient, frame: Buffer): void {
  const nowUs = preciseNowMs() * 1000;
  frames++;
  receiving = client;
  receivedAtUs = nowUs;
  if (scanBatchHeads(frame, onDelivery)) return;
  const head = readDeliveryHead(frame);
  if (head) onDelivery(head.event, head.room, head.seq, head.sentUs);
}

// The frame being read: set before its updates are visited (saves a closure per frame).
let receiving: LeanClient | undefined;
let receivedAtUs = 0;

function onDelivery(event: string, room: string, seq: number, sentUs: number): void {
  const client = receiving;
  const nowUs = receivedAtUs;
  if (!client) return;
  if (!DATA_EVENTS.has(event)) {
    // A slow socket's market data was conflated: it skipped updates and resyncs from here.
    if (event === 'snapshot' && seq > 0) {
      snapshots++;
      client.seqs[roomIdOf(room)] = seq;
    }
    return;
  }
  received++;
  if (Number.isNaN(sentUs)) untimed++;
  else {
    histogram.record(nowUs - sentUs);
    if (updates) {
      const key = (sentUs - updatesBaseUs) | 0;
      const entry = updates.get(key);
      if (entry) {
        entry[2] = nowUs;
        entry[3]++;
      } else updates.set(key, [sentUs, nowUs, nowUs, 1]);
    }
  }
  if (seq > 0) {
    const id = roomIdOf(room);
    const last = client.seqs[id] ?? 0;
    if (last > 0) {
      if (seq <= last) outOfOrder++;
      else gaps += seq - last - 1;
    }
    if (seq > last) client.seqs[id] = seq;
  }
}

function onClose(client: LeanClient): void {
  disconnects++;
  for (const room of client.rooms) members.set(room, (members.get(room) ?? 1) - 1);
}

async function connectAll(command: ConnectCommand): Promise<ConnectResult> {
  const started = Date.now();
  const url = engineIoUrl(command.url);
  const errors = new Set<string>();
  let connected = 0;
  let failed = 0;
  let joinFailures = 0;
  let next = 0;
  const worker = async () => {
    while (next < command.clients.length) {
      const index = next++;
      const plan = command.clients[index];
      const client = new LeanClient({
        url,
        // The gateway is measured as the SDK uses it: with batched delivery.
        auth: command.batch ? { ...(plan.token ? { token: plan.token } : {}), batch: true } : plan.token ? { token: plan.token } : undefined,
        localAddress: command.sourceAddresses[index % command.sourceAddresses.length],
        timeoutMs: command.timeoutMs,
        onEvent,
        onClose,
      });
      try {
        await client.connect();
      } catch (error) {
        failed++;
        if (errors.size < 5) errors.add((error as Error).message);
        continue;
      }
      connected++;
      clients.push(client);
      type JoinAck = { ok?: boolean; seq?: number; error?: { message?: string } };
      const acks = await Promise.all(
        plan.rooms.map((room) =>
          client.request('join_room', { room }).then(
            (ack) => ({ room, ack: ack as JoinAck }),
            (error: Error) => ({ room, ack: { ok: false, error: { message: error.message } } as JoinAck }),
          ),
        ),
      );
      for (const { room, ack } of acks) {
        if (!ack.ok) {
          joinFailures++;
          if (errors.size < 5) errors.add(`join ${room}: ${ack.error?.message ?? 'refused'}`);
          continue;
        }
        // The gateway's ack carries the room's seq: the next event must be seq + 1.
        client.seqs[roomIdOf(room)] = typeof ack.seq === 'number' ? ack.seq : 0;
        client.rooms.push(room);
        members.set(room, (members.get(room) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, command.concurrency) }, worker));
  return { connected, failed, joinFailures, durationMs: Date.now() - started, errors: [...errors] };
}

function stats(): GeneratorStats {
  return {
    received,
    frames,
    members: Object.fromEntries(members),
    gaps,
    outOfOrder,
    untimed,
    histogram: histogram.toData(),
    openClients: clients.filter((client) => client.isOpen).length,
    disconnects,
    snapshots,
    updates: updates ? [...updates.values()] : undefined,
  };
}

function reset(trackUpdates: boolean): void {
  updates = trackUpdates ? new Map() : undefined;
  updatesBaseUs = Math.round(preciseNowMs() * 1000);
  histogram.reset();
  received = 0;
  frames = 0;
  gaps = 0;
  outOfOrder = 0;
  untimed = 0;
  disconnects = 0;
  snapshots = 0;
}

async function handle(command: GeneratorCommand): Promise<unknown> {
  switch (command.type) {
    case 'connect':
      return connectAll(command);
    case 'reset':
      reset(command.trackUpdates === true);
      return null;
    case 'progress':
      return { received };
    case 'stats':
      return stats();
    case 'close':
      for (const client of clients) client.close();
      clients = [];
      members.clear();
      return null;
  }
}

process.on('message', (message: GeneratorRequest) => {
  handle(message.command).then(
    (result) => process.send?.({ id: message.id, ok: true, result } as GeneratorReply),
    (error: Error) => process.send?.({ id: message.id, ok: false, error: error.message } as GeneratorReply),
  );
});
// The runner owns us: when its IPC channel goes, so do we.
process.on('disconnect', () => process.exit(0));
process.send?.({ id: -1, ok: true, result: null } as GeneratorReply);
