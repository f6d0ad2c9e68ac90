import { frameHeaderSize, Opcode, writeFrameHeader } from '../socket/lean-websocket/websocket-frame.writer';

const EVENT_PREFIX = Buffer.from('42');
const BATCH_OPEN = Buffer.from('["batch",[');
const BATCH_CLOSE = Buffer.from(']]');
const COMMA = 0x2c;

/**
 * The bytes of one batched delivery: a WebSocket text frame (unmasked, as servers send) holding
 * the Engine.IO MESSAGE of a Socket.IO EVENT in the default namespace, `42["batch",[u1,u2,…]]`,
 * or `42u1` for a lone update (`u` = `["event",payload]`, already JSON).
 *
 * Built by copying each update's bytes, encoded once when the update arrived, into one buffer:
 * a pass writes thousands of sockets whose frames mostly differ, and joining strings then
 * encoding them per socket cost more than the kernel write itself. With `into`, the frame is
 * built at its start when it fits (a view of it is returned), else in a buffer of its own.
 */
export function batchFrame(updates: readonly Buffer[], into?: Buffer): Buffer {
  const count = updates.length;
  let length = EVENT_PREFIX.length;
  for (const update of updates) length += update.length;
  if (count > 1) length += BATCH_OPEN.length + BATCH_CLOSE.length + count - 1;
  const size = frameHeaderSize(length) + length;
  const frame = into && into.length >= size ? into.subarray(0, size) : Buffer.allocUnsafe(size);
  let at = writeFrameHeader(frame, Opcode.Text, length);
  at += EVENT_PREFIX.copy(frame, at);
  if (count === 1) {
    updates[0].copy(frame, at);
    return frame;
  }
  at += BATCH_OPEN.copy(frame, at);
  for (let i = 0; i < count; i++) {
    if (i > 0) frame[at++] = COMMA;
    at += updates[i].copy(frame, at);
  }
  BATCH_CLOSE.copy(frame, at);
  return frame;
}

/** The same delivery as an Engine.IO packet body (`2…`), for a socket written through Engine.IO. */
export function batchPacket(updates: readonly string[]): string {
  return updates.length === 1 ? `2${updates[0]}` : `2["batch",[${updates.join(',')}]]`;
}
