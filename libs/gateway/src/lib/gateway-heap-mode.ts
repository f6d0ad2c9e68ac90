import { setFlagsFromString } from 'node:v8';

/**
 * Asks V8 to favour memory over speed in how it grows and collects the heap (`--optimize-for-size`),
 * unless `optimizeForSize` is off.
 *
 * A gateway's memory is mostly idle connections, and a burst of handshakes leaves its garbage in
 * the old generation, which V8 by default lets grow well past what is live before it collects:
 * measured with 19,000 idle connections, RSS stood 3-4 KiB per connection above the live heap a
 * few seconds after the burst (and stayed there while idle), against about 1 KiB with this flag.
 * The cost is more frequent full collections while the heap grows; fan-out mostly makes
 * short-lived garbage, which the young generation collects either way (BENCHMARKS.md).
 *
 * Set at run time because Node refuses this flag in NODE_OPTIONS; it only changes how V8 sizes
 * and collects the heap from now on, so it is applied as the app starts, before it serves.
 */
export function applyGatewayHeapMode(optimizeForSize: boolean): void {
  if (optimizeForSize) setFlagsFromString('--optimize-for-size');
}
