import type { Socket } from 'socket.io';
import { CompactMap } from './compact-map';

/** The per-connection internals of Socket.IO, Engine.IO and Node this trims (not in their type declarations). */
interface Emitter {
  _events?: Record<string | symbol, unknown>;
  listeners?(event: string): unknown[];
  removeListener?(event: string, listener: (...args: never[]) => void): unknown;
  removeAllListeners?(event: string): unknown;
}

interface ConnectionInternals {
  socket: Emitter & { _anyListeners?: unknown[]; acks?: unknown };
  client?: { nsps?: unknown; sockets?: unknown };
  decoder?: { _callbacks?: Record<string, unknown> };
  engine: Emitter & { cleanupFn?: unknown[] };
  transport?: Emitter & { name?: string };
  websocket?: Emitter;
  tcp?: Emitter;
}

function internalsOf(socket: Socket): ConnectionInternals {
  const client = (socket as unknown as { client?: ConnectionInternals['client'] & { decoder?: ConnectionInternals['decoder'] } }).client;
  const engine = socket.conn as unknown as ConnectionInternals['engine'] & { transport?: Emitter & { name?: string; socket?: Emitter & { _socket?: Emitter } } };
  const transport = engine.transport;
  return {
    socket: socket as unknown as ConnectionInternals['socket'],
    client,
    decoder: client?.decoder,
    engine,
    transport,
    websocket: transport?.socket,
    tcp: transport?.socket?._socket,
  };
}

/**
 * Trims what a connection keeps, once its handshake is over, of what Engine.IO, Socket.IO and
 * Node made larger than an idle connection needs. Measured by heap snapshots of the gateway with
 * thousands of idle connections, per connection:
 *
 * - Every EventEmitter starts its listener table as `{ __proto__: null }`, which V8 keeps in
 *   dictionary mode: about 280 B for a handful of events, against 64 B for the same
 *   listeners in a fast object that inherits nothing (ListenerTable). A connection has three (the
 *   Engine.IO transport and socket, the Socket.IO socket; Node's streams start the TCP socket's
 *   as an ordinary object with every key, so it is left alone). Rebuilt once here.
 * - An array that grew by `push` has room for 17 elements (152 B) whatever it holds: listener
 *   lists, Socket.IO's catch-all listeners, its decoder's callbacks, Engine.IO's clean-up list.
 *   Each is replaced by an exact copy. Only arrays that stay as they are while the connection is
 *   idle are trimmed: the ones every ping pushes to and empties again (Engine.IO's sent-callback
 *   list) would be back at full size after the first ping.
 * - Socket.IO's per-connection maps that hold one entry or none (the client's sockets and
 *   namespaces, the socket's pending acknowledgements): about 180 B each as a Map, 56 B as a
 *   CompactMap, which makes a real Map if a second entry comes.
 * - Listeners only the handshake needs: Engine.IO's `headers` relay on a WebSocket transport (only
 *   polling transports emit it) and the no-op `onUpgradeError` it leaves on every new WebSocket.
 *
 * Everything read here is an internal of those libraries, used defensively: what is not where it
 * is expected is left as it is.
 */
export function compactConnection(socket: Socket): void {
  const parts = internalsOf(socket);
  if (parts.transport?.name === 'websocket') parts.transport.removeAllListeners?.('headers');
  dropUpgradeErrorListener(parts.websocket);
  for (const emitter of [parts.tcp, parts.transport, parts.engine, parts.socket]) compactListenerTable(emitter);
  // Only fields that are there are replaced: adding one would change the object's hidden class.
  if (parts.socket._anyListeners) parts.socket._anyListeners = exactCopy(parts.socket._anyListeners);
  if (parts.engine.cleanupFn) parts.engine.cleanupFn = exactCopy(parts.engine.cleanupFn);
  if (parts.socket.acks) parts.socket.acks = compactMap(parts.socket.acks);
  if (parts.client?.nsps) parts.client.nsps = compactMap(parts.client.nsps);
  if (parts.client?.sockets) parts.client.sockets = compactMap(parts.client.sockets);
  const callbacks = parts.decoder?._callbacks;
  if (callbacks) for (const key of Object.keys(callbacks)) callbacks[key] = exactCopy(callbacks[key]);
}

/**
 * A listener table in V8's fast mode that still inherits nothing: its prototype is itself an empty
 * object without prototype, so a lookup of any event name that has no listener (`constructor`,
 * `toString`…) finds nothing, as in `{ __proto__: null }`. Made with `new`, tables share their
 * hidden classes, and so do the ones a listener added later leads to; an object made fast by
 * `Object.setPrototypeOf(…, null)` instead gets a hidden class of its own at its next new property.
 */
function ListenerTable(this: Record<string | symbol, unknown>): void {
  // Properties are added by compactListenerTable.
}
ListenerTable.prototype = Object.create(null) as object;
const makeTable = ListenerTable as unknown as new () => Record<string | symbol, unknown>;

/** An EventEmitter's listener table as a fast object that inherits nothing, its lists trimmed. */
export function compactListenerTable(emitter: Emitter | undefined): void {
  const table = emitter?._events;
  if (!emitter || !table || typeof table !== 'object' || Object.getPrototypeOf(table) !== null) return;
  const compact = new makeTable();
  for (const key of Reflect.ownKeys(table)) compact[key] = exactCopy(table[key]);
  emitter._events = compact;
}

/** A plain Map of at most one entry as a CompactMap (same entries); anything else as it is. */
function compactMap(value: unknown): unknown {
  return value instanceof Map && !(value instanceof CompactMap) && value.size <= 1 ? new CompactMap(value) : value;
}

function exactCopy<T>(value: T): T {
  return (Array.isArray(value) ? value.slice() : value) as T;
}

function dropUpgradeErrorListener(websocket: Emitter | undefined): void {
  if (!websocket?.listeners || !websocket.removeListener) return;
  for (const listener of websocket.listeners('error')) {
    if (typeof listener === 'function' && listener.name === 'onUpgradeError') websocket.removeListener('error', listener as () => void);
  }
}
