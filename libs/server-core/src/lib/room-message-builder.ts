import type { AppendRequest } from './ports/room-store.port';

/*
 * Message and envelope JSON are assembled from fragments so that a store can put the seq in
 * at the moment it assigns it (the Redis store does the same concatenation inside Lua; both
 * must produce byte-identical JSON, which the contract tests check).
 */

/** `{"seq":N,` + tail: the message as clients receive it. */
export function buildMessage(seq: number, tail: string): string {
  return `{"seq":${seq},${tail}`;
}

export function buildEnvelope(request: AppendRequest, seq: number): string {
  return (
    `{"v":1,"seq":${seq},"type":"${request.type}","room":${JSON.stringify(request.room)},` +
    `"publishedAt":${request.publishedAt},"payload":${buildMessage(seq, request.messageTail)}}`
  );
}

/**
 * The tail for a message object: its JSON without the opening brace. The object must not
 * carry `seq` itself (the store adds it) and must have at least one field.
 */
export function messageTailOf(message: Record<string, unknown>): string {
  if ('seq' in message) throw new Error('message must not carry seq: the store assigns it');
  const json = JSON.stringify(message);
  if (json === '{}') throw new Error('message must have at least one field');
  return json.slice(1);
}
