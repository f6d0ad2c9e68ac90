import {
  ERROR_CODES,
  REPLY_EVENTS,
  joinRoomRequestSchema,
  leaveRoomRequestSchema,
  refreshTokenRequestSchema,
  subscribeRequestSchema,
  type ErrorCode,
  type JoinRoomAck,
} from '@moonx-farm/events';
import { issueHmacToken } from '@moonx-farm/server-core';
import { connectTestSocket, uniqueName, type AppProcessHandle, type TestSocket } from '@moonx-farm/test-env';
import { getJson, redisEnv, startAuthBridge, startGateway, waitFor } from './support/gateway-e2e.helpers';
import { buffersIn, junk, junkFor, mulberry32, pick, show } from './support/junk-generator';

/*
 * Thousands of random and malformed requests, from many sockets, to every client event and
 * to events that do not exist. Each must get exactly one reply (its ack, or the reply event
 * when sent without one) that is an error with a code of the closed enum; the process must
 * stay healthy and its memory flat. Rate limits are raised so they do not hide validation.
 */
const SEED = Number(process.env['FUZZ_SEED'] ?? 20240611);
const SOCKETS = 8;
const PER_SOCKET_PER_ROUND = 400;
const KNOWN = ['join_room', 'leave_room', 'subscribe', 'refresh_token', 'ping'] as const;
const UNKNOWN = ['error', 'JOIN_ROOM', 'join_room ', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'message', 'connected', 42, 7.5];

type Mode = 'ack' | 'event' | 'extra-args' | 'no-payload-ack' | 'no-payload-event';
interface Sent {
  socket: number;
  event: string | number;
  mode: Mode;
  /** Junk can be well-formed by chance (`{types: []}`): such a request may succeed. */
  wellFormed: boolean;
}

const SCHEMAS = new Map<string, { safeParse(value: unknown): { success: boolean } }>([
  ['join_room', joinRoomRequestSchema],
  ['leave_room', leaveRoomRequestSchema],
  ['subscribe', subscribeRequestSchema],
  ['refresh_token', refreshTokenRequestSchema],
]);

describe('fuzzing every client event (gateway + auth-bridge processes)', () => {
  const secret = 'fuzz-e2e-secret-of-at-least-32-characters';
  const redis = redisEnv('fuzz');
  const random = mulberry32(SEED);
  const users: (string | undefined)[] = Array.from({ length: SOCKETS }, (_, index) => (index % 2 === 0 ? undefined : uniqueName('fuzz')));
  let sockets: TestSocket[] = [];
  const disconnects: string[] = [];
  let gateway: AppProcessHandle;
  let authBridge: AppProcessHandle;

  beforeAll(async () => {
    [authBridge, gateway] = await Promise.all([
      startAuthBridge({ ...redis, JWT_SECRET: secret }),
      startGateway({
        ...redis,
        ALLOW_ANONYMOUS: 'true',
        CONTROL_RATE_PER_SEC: '10000',
        CONTROL_BURST: '100000',
        MAX_HTTP_BUFFER_SIZE: '1000000',
        KNOWN_SYMBOLS: 'BTC-USDC',
      }),
    ]);
    sockets = await Promise.all(
      users.map(async (userId) => connectTestSocket(gateway.url, { token: userId ? await issueHmacToken({ secret }, userId) : undefined })),
    );
    sockets.forEach((socket, index) => socket.socket.on('disconnect', (reason) => (disconnects[index] = reason)));
  }, 60000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await Promise.allSettled([gateway?.stop(), authBridge?.stop()]);
  }, 30000);

  /** One round: every socket sends its share at once; resolves when every reply is in and checked. */
  async function round(): Promise<number> {
    const before = sockets.map((socket) => countReplies(socket));
    const sent: Sent[] = [];
    const acks: Promise<unknown>[] = [];
    for (let index = 0; index < SOCKETS * PER_SOCKET_PER_ROUND; index++) {
      const socketIndex = index % SOCKETS;
      const { socket } = sockets[socketIndex];
      const event = random() < 0.15 ? pick(random, UNKNOWN) : pick(random, KNOWN);
      const mode = pick<Mode>(random, ['ack', 'ack', 'event', 'extra-args', 'no-payload-ack', 'no-payload-event']);
      // socket.io closes a connection whose packet has more than 10 binary attachments (tested apart).
      let payload: unknown;
      let extra: unknown;
      do {
        payload = junkFor(String(event), random);
        extra = junk(random, 2);
      } while (buffersIn(payload) + buffersIn(extra) > 10);
      const withPayload = mode === 'ack' || mode === 'event';
      const wellFormed = withPayload && SCHEMAS.get(String(event))?.safeParse(payload).success === true;
      sent.push({ socket: socketIndex, event, mode, wellFormed });
      const emit = socket.emit.bind(socket) as (...args: unknown[]) => void;
      if (mode === 'event') emit(event, payload);
      else if (mode === 'no-payload-event') emit(event);
      else {
        acks.push(
          new Promise((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`no ack for ${String(event)} (${mode}) with ${show(payload)}; socket ${socket.connected ? 'connected' : `disconnected (${disconnects[socketIndex]})`}`)),
              15000,
            ).unref();
            const ack = (reply: unknown) => {
              clearTimeout(timer);
              try {
                if (!wellFormed) checkReply(String(event), reply, payload);
                resolve(reply);
              } catch (error) {
                reject(error);
              }
            };
            if (mode === 'ack') emit(event, payload, ack);
            else if (mode === 'extra-args') emit(event, payload, extra, ack);
            else emit(event, ack);
          }),
        );
      }
    }
    await Promise.all(acks);

    // Requests without an ack: count the reply events each socket must have received.
    const expected = sockets.map((_, index) => {
      const counts = new Map<string, number>(before[index]);
      for (const item of sent.filter((entry) => entry.socket === index && (entry.mode === 'event' || entry.mode === 'no-payload-event'))) {
        const replyEvent = replyEventOf(item.event);
        counts.set(replyEvent, (counts.get(replyEvent) ?? 0) + 1);
      }
      return counts;
    });
    const shortfall = () =>
      sockets.flatMap((socket, index) =>
        [...expected[index]].filter(([event, count]) => socket.all(event).length < count).map(([event, count]) => `socket ${index}: ${socket.all(event).length}/${count} "${event}"`),
      );
    await waitFor(() => shortfall().length === 0, 15000, 'every reply event').catch((error: Error) => {
      throw new Error(`${error.message}: ${shortfall().join(', ')}`);
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    sockets.forEach((socket, index) => {
      for (const [event, count] of expected[index]) expect([event, socket.all(event).length]).toEqual([event, count]);
      for (const request of ['join_room', 'leave_room', 'subscribe', 'refresh_token'] as const) {
        const replies = socket.all(REPLY_EVENTS[request]).slice(before[index].get(REPLY_EVENTS[request]) ?? 0);
        const successes = replies.filter((reply) => (reply as { ok?: boolean }).ok === true).length;
        const wellFormed = sent.filter((item) => item.socket === index && item.event === request && item.mode === 'event' && item.wellFormed).length;
        expect(successes).toBeLessThanOrEqual(wellFormed);
        for (const reply of replies) if ((reply as { ok?: boolean }).ok !== true) checkReply(request, reply, undefined);
      }
      for (const error of socket.all<{ code: ErrorCode }>('error')) {
        expect(ERROR_CODES).toContain(error.code);
        expect(error.code).not.toBe('INTERNAL_ERROR');
      }
    });
    return sent.length;
  }

  it('answers every malformed request with an error and stays healthy with flat memory', async () => {
    const warmUp = await round();
    const stats = () => getJson<{ connections: number; memory: { rssBytes: number; heapUsedBytes: number } }>(`${gateway.url}/stats`);
    const before = (await stats()).body;
    const measured = (await round()) + (await round());
    const after = (await stats()).body;

    expect(warmUp + measured).toBeGreaterThanOrEqual(9000);
    expect(sockets.every((socket) => socket.socket.connected)).toBe(true);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect(after.connections).toBe(SOCKETS);
    // Two more rounds than the warm-up must not leave memory behind (GC timing gives some slack).
    expect(after.memory.heapUsedBytes - before.memory.heapUsedBytes).toBeLessThan(40 * 1024 * 1024);
    expect(after.memory.rssBytes - before.memory.rssBytes).toBeLessThan(80 * 1024 * 1024);

    // What socket.io itself refuses to parse closes that connection only: more than 10 binary attachments.
    const [victim, ...others] = sockets;
    const closed = new Promise((resolve) => victim.socket.once('disconnect', resolve));
    victim.socket.emit('join_room', Array.from({ length: 11 }, () => Buffer.alloc(4)));
    expect(await closed).toBe('transport close');
    expect(others.every((socket) => socket.socket.connected)).toBe(true);
    expect(await others[0].request('ping', {})).toEqual({ timestamp: expect.any(Number) });

    const newcomer = await connectTestSocket(gateway.url);
    expect(await newcomer.request<JoinRoomAck>('join_room', { room: 'price:BTC-USDC' })).toMatchObject({ ok: true, room: 'price:BTC-USDC' });
    newcomer.close();
  }, 90000);
});

function replyEventOf(event: string | number): string {
  return typeof event === 'string' && Object.hasOwn(REPLY_EVENTS, event) ? REPLY_EVENTS[event as keyof typeof REPLY_EVENTS] : 'error';
}

function countReplies(socket: TestSocket): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { event } of socket.received) counts.set(event, (counts.get(event) ?? 0) + 1);
  return counts;
}

/** A reply to a junk request: a pong for ping, otherwise an error with a known code. */
function checkReply(event: string, reply: unknown, payload: unknown): void {
  if (event === 'ping' || event === 'pong') {
    expect(reply).toEqual({ timestamp: expect.any(Number) });
    return;
  }
  const body = reply as { ok?: unknown; error?: { code?: ErrorCode; message?: unknown } };
  const code = body?.error?.code;
  // INTERNAL_ERROR would mean a handler threw on bad input: validation must catch it first.
  if (body?.ok !== false || !code || !ERROR_CODES.includes(code) || code === 'INTERNAL_ERROR' || typeof body.error?.message !== 'string') {
    throw new Error(`"${event}" with ${show(payload)} got ${show(reply)}, an error reply was expected`);
  }
}
