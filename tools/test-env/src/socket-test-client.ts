import { io, type Socket } from 'socket.io-client';

export interface TestSocketOptions {
  token?: string;
  /** Extra handshake `auth` fields. */
  auth?: Record<string, unknown>;
  timeoutMs?: number;
  /** Record each update of a `batch` frame (batched delivery) as its own event, as the SDK hands them out. */
  unpackBatches?: boolean;
}

export interface RecordedEvent {
  event: string;
  payload: unknown;
}

/** A real socket.io-client, WebSocket transport only, that records every event it receives. */
export interface TestSocket {
  socket: Socket;
  received: RecordedEvent[];
  /** The next event named `event` (already received ones count) that matches `predicate`. */
  next<T = unknown>(event: string, predicate?: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Every received payload of `event`, in order. */
  all<T = unknown>(event: string): T[];
  /**
   * Sends `event` and resolves with its ack. The ack is also recorded in `received`, as an event
   * named `ack:<event>`, where it came among the others.
   */
  request<T = unknown>(event: string, payload: unknown, timeoutMs?: number): Promise<T>;
  /** Every payload of `event` received after the last ack of `request` (see request). */
  allAfterAck<T = unknown>(event: string, request: string): T[];
  close(): void;
}

/** Connects and resolves once connected; rejects with the server's refusal (message and data). */
export async function connectTestSocket(url: string, options: TestSocketOptions = {}): Promise<TestSocket> {
  const socket = io(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: options.timeoutMs ?? 5000,
    auth: { ...(options.token === undefined ? {} : { token: options.token }), ...options.auth },
  });
  const received: RecordedEvent[] = [];
  socket.onAny((event: string, payload: unknown) => {
    if (options.unpackBatches && event === 'batch' && Array.isArray(payload)) {
      for (const [name, item] of payload as [string, unknown][]) received.push({ event: name, payload: item });
    } else received.push({ event, payload });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(Object.assign(new Error(error.message), { data: error.data }));
    });
  });
  const all = <T>(event: string) => received.filter((item) => item.event === event).map((item) => item.payload as T);
  return {
    socket,
    received,
    all,
    next: async <T>(event: string, predicate: (payload: T) => boolean = () => true, timeoutMs = 10000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = all<T>(event).find(predicate);
        if (found !== undefined) return found;
        if (Date.now() > deadline) {
          throw new Error(`no "${event}" event matched within ${timeoutMs} ms; received: ${received.map((item) => item.event).join(', ') || 'nothing'}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    request: <T>(event: string, payload: unknown, timeoutMs = 5000) =>
      new Promise<T>((resolve, reject) => {
        socket.timeout(timeoutMs).emit(event, payload, (error: Error | null, reply: T) => {
          if (error) return reject(error);
          received.push({ event: `ack:${event}`, payload: reply });
          resolve(reply);
        });
      }),
    allAfterAck: <T>(event: string, request: string) => {
      const ackAt = received.map((item) => item.event).lastIndexOf(`ack:${request}`);
      if (ackAt < 0) throw new Error(`no ack of "${request}" received yet`);
      return received.slice(ackAt + 1).filter((item) => item.event === event).map((item) => item.payload as T);
    },
    close: () => {
      socket.close();
    },
  };
}
