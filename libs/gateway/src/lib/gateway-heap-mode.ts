import { setFlagsFromString } from 'node:v8';

/**
 * Has V8 collect the old generation once it has grown `growingPercent` past what the last full
 * collection left live (`--heap-growing-percent`); 0 leaves the growth to V8's own heuristics.
 *
 * A gateway's memory is mostly idle connections, and a burst of handshakes leaves its garbage in
 * the old generation, which V8 by default lets grow to between 1.1 and 4 times what is live
 * before it collects. Measured with 19,000 idle connections (BENCHMARKS.md, scenario 4), against
 * 6.2 KiB of live heap per connection: RSS over the two minutes after the burst 6.3-10.2 KiB with
 * V8's heuristics (the top in the first seconds, before V8 shrinks its young generation and
 * collects), 6.2-7.8 at 50 %. Earlier measurements, before pings stopped feeding the old
 * generation (write-buffer-reuse.ts): a few seconds after the burst 10.7-10.8 KiB with V8's
 * heuristics, 8.9 at 100 %, 7.6-8.3 at 50 %, 7.2 at 10 %.
 *
 * The price is more full collections, and on a replica with one core their pauses reach the tail
 * of latency. Private events to 5,000 authenticated sockets (scenario 3) at 7,500 a second, on a
 * slower machine: p99 126-199 ms at 50 % against 33-34 ms with V8's heuristics (at 5,000 a second
 * both stayed under 40 ms; at 20 %, 77-137 ms already there). Market fan-out (scenario 1): the
 * last passing step at 50 % was one step lower, 37,112 against 52,812 msg/s at p99 ≤ 100 ms. So
 * latency comes first and the default is 0; 50 suits replicas that hold many connections with
 * little traffic. `--optimize-for-size`, which Node refuses in NODE_OPTIONS anyway, bought the
 * same memory with p99 137-207 ms at 5,000 private events a second.
 *
 * Set at run time so every way of starting the gateway gets it; it only changes when V8 collects
 * from now on, so it is applied as the app starts, before it serves. V8 reads it each time it
 * sets its next limit, so it can change later too: during a burst of connects the gateway uses
 * CONNECT_BURST_HEAP_GROWING_PERCENT instead (connect-burst-heap.policy.ts).
 */
export function applyGatewayHeapMode(growingPercent: number): void {
  // 0 is V8's own default: setting it hands the growth back to V8's heuristics (connect-burst-heap.policy.ts).
  setFlagsFromString(`--heap-growing-percent=${growingPercent}`);
}
