export interface GatewayOptions {
  /** Anonymous sockets may join public rooms (no token needed). */
  allowAnonymous: boolean;
  /** Most rooms a socket may be in at once (its own private rooms included). */
  maxRoomsPerSocket: number;
  /** Most missed events replayed on a resume; beyond that the client gets a fresh snapshot. */
  maxResumeEvents: number;
  /** A join not answered within this many ms (its store or feed hung) is answered INTERNAL_ERROR. */
  joinTimeoutMs: number;
  /** Open sockets per replica; beyond it connects are refused with SERVER_BUSY. */
  maxConnections: number;
  /** Open sockets per client IP on this replica. */
  maxConnectionsPerIp: number;
  /** Proxies in front of the gateway that write X-Forwarded-For (0: the TCP peer is the client); see client-address.ts. */
  trustedProxies: number;
  /** Control messages (join/leave/subscribe/refresh) per socket: sustained rate and burst. */
  controlRatePerSec: number;
  controlBurst: number;
  /** Symbols always accepted in public rooms, besides those that have had events. */
  knownSymbols: string[];
  /** Graceful drain: sockets are closed in batches over this window after `shutdown`. */
  drainWindowMs: number;
  /** Suggested reconnect delay sent with `shutdown`. */
  reconnectInMs: number;
  /** Outgoing bytes above which a socket's market data is conflated. */
  slowSocketBytes: number;
  /** Outgoing bytes above which a socket is disconnected (private events are never dropped). */
  maxSocketBufferBytes: number;
  /** How often outgoing buffers are checked. */
  slowSocketCheckMs: number;
  /** Serve the live console at GET /console (development only; off when absent). */
  liveConsole?: boolean;
  /** Batched delivery: at least this many ms between the starts of two passes (0 = as the frame budget allows). */
  batchWindowMs: number;
  /** Batched delivery: frames written per second at most; above the budget updates pack into fewer frames. */
  batchMaxFramesPerSec: number;
  /** Batched delivery: the budget never goes below this many frames per second. */
  batchMinFramesPerSec: number;
  /** Batched delivery: the event loop load (%) the frame budget aims at. */
  batchTargetLoadPercent: number;
  /** V8's `--heap-growing-percent` outside bursts of connects (V8_HEAP_GROWING_PERCENT; 0: V8's heuristics). */
  heapGrowingPercent: number;
  /** `--heap-growing-percent` while connects arrive at `connectBurstPerSec` or more; 0: no burst setting. */
  connectBurstHeapGrowingPercent: number;
  /** Connects in one second that make a burst. */
  connectBurstPerSec: number;
  /** Included in /health. */
  version: string;
}

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
