/*
 * The little of the Engine.IO v4 / Socket.IO v5 wire protocol a load generator needs, over a
 * plain WebSocket (no long-polling, no binary attachments, default namespace only):
 *
 *   server → client   0{"sid":…}        Engine.IO open
 *                      2                 Engine.IO ping (the client answers 3)
 *                      40{"sid":…}       Socket.IO CONNECT accepted
 *                      44{"message":…}   Socket.IO CONNECT_ERROR
 *                      42["event",…]     EVENT
 *                      43<id>[…]         ACK of our request <id>
 *   client → server   40{"token":…}     CONNECT with auth
 *                      42<id>["event",…] EVENT asking for an ack
 *
 * socket.io-client stays in the correctness tests; it costs about twice the CPU per message.
 */

export const PONG_FRAME = '3';

/** ws://host:port/socket.io/?EIO=4&transport=websocket for an http(s) base URL. */
export function engineIoUrl(baseUrl: string, path = '/socket.io/'): string {
  const url = new URL(baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = path;
  url.search = '?EIO=4&transport=websocket';
  return url.toString();
}

export function connectFrame(auth?: Record<string, unknown>): string {
  return auth && Object.keys(auth).length > 0 ? `40${JSON.stringify(auth)}` : '40';
}

export function eventFrame(event: string, payload: unknown, ackId?: number): string {
  return `42${ackId ?? ''}${JSON.stringify([event, payload])}`;
}

export type ControlFrame =
  | { kind: 'open' }
  | { kind: 'ping' }
  | { kind: 'close' }
  | { kind: 'connected' }
  | { kind: 'connect_error'; message: string }
  | { kind: 'disconnect' }
  | { kind: 'ack'; id: number; args: unknown[] }
  | { kind: 'event' }
  | { kind: 'other' };

const CH_0 = 48;
const CH_1 = 49;
const CH_2 = 50;
const CH_3 = 51;
const CH_4 = 52;

/**
 * Classifies a frame by its first bytes without decoding events (those take the fast path
 * in readDeliveryHead). Acks and connect errors are rare and fully parsed.
 */
export function classifyFrame(frame: Buffer): ControlFrame {
  const engineType = frame[0];
  if (engineType === CH_2) return { kind: 'ping' };
  if (engineType === CH_0) return { kind: 'open' };
  if (engineType === CH_1) return { kind: 'close' };
  if (engineType !== CH_4) return { kind: 'other' };
  const packetType = frame[1];
  if (packetType === CH_2) return { kind: 'event' };
  if (packetType === CH_3) {
    const text = frame.toString('utf8', 2);
    const bracket = text.indexOf('[');
    const id = Number(text.slice(0, bracket));
    return { kind: 'ack', id, args: JSON.parse(text.slice(bracket)) as unknown[] };
  }
  if (packetType === CH_0) return { kind: 'connected' };
  if (packetType === CH_4) {
    const text = frame.toString('utf8', 2);
    let message = text;
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? text);
    } catch {
      // keep the raw text
    }
    return { kind: 'connect_error', message };
  }
  if (packetType === CH_1) return { kind: 'disconnect' };
  return { kind: 'other' };
}

/** What the generator needs from a delivered data event, read without JSON.parse. */
export interface DeliveryHead {
  event: string;
  room: string;
  /** 0 when the message carries no seq (the naive Kafka bridge has none). */
  seq: number;
  /** Producer send time in µs since the epoch, from the bench event id; NaN when absent. */
  sentUs: number;
}

// Enough for the event name, seq, a room (≤ 160 chars) and an id (≤ 128 chars).
const HEAD_BYTES = 480;

/**
 * Reads event name, room, seq and the bench send time from `42["name",{"seq":N,"room":"…","id":"…"`.
 * Delivered messages start with these fields in this order (the store prefixes seq; ingest
 * writes room, id, timestamp first), but the reader only relies on their presence in the head.
 */
export function readDeliveryHead(frame: Buffer): DeliveryHead | undefined {
  return readHeadAt(frame, frame.toString('latin1', 0, Math.min(frame.length, HEAD_BYTES)), 2);
}

const BATCH_PREFIX = '42["batch",[';
/** Where an update's head starts: `["name",{"seq":N`; only marks preceded by `",` count. */
const SEQ_MARK = '{"seq":';
const QUOTE = 34;
const COMMA = 44;
const DASH = 45;

/** Called for each update of a batched frame, with its fields read in place. */
export type HeadVisitor = (event: string, room: string, seq: number, sentUs: number) => void;

/**
 * Visits the head of every update in a batched frame, `42["batch",[["name",{"seq":N,…}],…]]`
 * (the gateway's batched delivery), found by their `"name",{"seq":` marks without parsing.
 * This runs for every delivery the generator receives (a million a second in scenario 5), so
 * marks are found with the string's indexOf (`{` is rare in JSON; a mark starting with `"`
 * costs about six times as much to find), fields are read from the frame's bytes, and the
 * event and room strings are reused while consecutive updates share them (the gateway groups
 * a frame's updates by room): no string or object is made per update. Returns false for
 * other frames.
 */
export function scanBatchHeads(frame: Buffer, visit: HeadVisitor): boolean {
  if (frame.length < BATCH_PREFIX.length || frame[2] !== 91 /* [ */ || !bytesEqual(frame, 0, BATCH_PREFIX.length, BATCH_PREFIX)) return false;
  const text = frame.toString('latin1');
  const length = frame.length;
  let event = '';
  let room = '';
  let mark = text.indexOf(SEQ_MARK, BATCH_PREFIX.length);
  while (mark >= 0) {
    if (frame[mark - 1] !== COMMA || frame[mark - 2] !== QUOTE) {
      mark = text.indexOf(SEQ_MARK, mark + 1);
      continue;
    }
    const nameEnd = mark - 2;
    let nameStart = nameEnd;
    while (nameStart > 0 && frame[nameStart - 1] !== QUOTE) nameStart--;
    if (!bytesEqual(frame, nameStart, nameEnd, event)) event = text.slice(nameStart, nameEnd);
    let at = mark + SEQ_MARK.length;
    let seq = 0;
    for (; at < length; at++) {
      const digit = frame[at] - 48;
      if (digit < 0 || digit > 9) break;
      seq = seq * 10 + digit;
    }
    const next = text.indexOf(SEQ_MARK, at);
    const limit = next < 0 ? length : next;
    const roomAt = text.indexOf('"room":"', at);
    if (roomAt >= 0 && roomAt < limit) {
      const roomStart = roomAt + 8;
      let roomEnd = roomStart;
      while (roomEnd < limit && frame[roomEnd] !== QUOTE) roomEnd++;
      if (!bytesEqual(frame, roomStart, roomEnd, room)) room = text.slice(roomStart, roomEnd);
      at = roomEnd;
    }
    visit(event, room, seq, sentMicrosIn(frame, text, at, limit));
    mark = next;
  }
  return true;
}

/** `frame[from, to)` holds the latin1 characters of `value`. */
function bytesEqual(frame: Buffer, from: number, to: number, value: string): boolean {
  if (to - from !== value.length) return false;
  for (let i = 0; i < value.length; i++) if (frame[from + i] !== value.charCodeAt(i)) return false;
  return true;
}

/** The send time in the first bench event id (`"id":"bench-<run>-<n>-<µs>"`) from `from`, before `limit`; NaN without one. */
function sentMicrosIn(frame: Buffer, text: string, from: number, limit: number): number {
  const idAt = text.indexOf('"id":"bench-', from);
  if (idAt < 0 || idAt >= limit) return NaN;
  // The digits after the id's last dash: restart the number at every dash, stop at the quote.
  let value = 0;
  let digits = 0;
  for (let i = idAt + 12; i < limit; i++) {
    const byte = frame[i];
    if (byte === QUOTE) return digits > 0 ? value : NaN;
    if (byte === DASH) {
      value = 0;
      digits = 0;
    } else {
      // A segment with anything but digits (the run's name) reads as NaN until the next dash.
      value = byte >= 48 && byte <= 57 ? value * 10 + (byte - 48) : NaN;
      digits++;
    }
  }
  return NaN;
}

/** The heads of every update in a batched frame (scanBatchHeads, collected); undefined for other frames. */
export function readBatchHeads(frame: Buffer): DeliveryHead[] | undefined {
  const heads: DeliveryHead[] = [];
  return scanBatchHeads(frame, (event, room, seq, sentUs) => heads.push({ event, room, seq, sentUs })) ? heads : undefined;
}

/** Reads a head from `["name",{"seq":N,"room":"…","id":"…"` starting at `at`; `head` is the frame's first bytes as text. */
function readHeadAt(frame: Buffer, head: string, at: number): DeliveryHead | undefined {
  if (head.charCodeAt(at) !== 91 /* [ */ || head.charCodeAt(at + 1) !== 34 /* " */) return undefined;
  const nameEnd = head.indexOf('"', at + 2);
  if (nameEnd < 0) return undefined;
  const event = head.slice(at + 2, nameEnd);
  const roomAt = head.indexOf('"room":"', nameEnd);
  if (roomAt < 0) return undefined;
  const roomEnd = head.indexOf('"', roomAt + 8);
  const room = head.slice(roomAt + 8, roomEnd);
  const seqAt = head.indexOf('"seq":', nameEnd);
  const seq = seqAt < 0 ? 0 : readInteger(head, seqAt + 6);
  return { event, room, seq, sentUs: sentMicrosIn(frame, head, nameEnd, head.length) };
}

function readInteger(text: string, from: number): number {
  let value = 0;
  for (let i = from; i < text.length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

/*
 * Bench event ids carry the producer's send time: `bench-<run>-<n>-<µs since epoch>`. The
 * payload `timestamp` (whole ms, as producers send it) is too coarse for a loopback
 * benchmark, and ids pass unchanged through ingest, Redis and the gateway.
 */
export function benchEventId(run: string, n: number, sentUs: number): string {
  return `bench-${run}-${n}-${Math.round(sentUs)}`;
}

export function sentMicrosOfEventId(id: string): number {
  if (!id.startsWith('bench-')) return NaN;
  const dash = id.lastIndexOf('-');
  return Number(id.slice(dash + 1));
}

/** Wall-clock time with sub-millisecond resolution (epoch ms); comparable across processes. */
export function preciseNowMs(): number {
  return performance.timeOrigin + performance.now();
}

let lastSendUs = 0;

/** A send time in µs since the epoch, strictly increasing within this process (a key per update). */
export function uniqueSendMicros(): number {
  const now = Math.round(preciseNowMs() * 1000);
  lastSendUs = now > lastSendUs ? now : lastSendUs + 1;
  return lastSendUs;
}
