import { createHash } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** RFC 6455 section 1.3: appended to the client's key before hashing. */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The base64 of 16 bytes: 22 characters and two padding signs. */
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;

export type HandshakeCheck = { ok: true; key: string } | { ok: false; status: 400 | 426; message: string };

/**
 * Checks an upgrade request against RFC 6455 section 4.2.1. Only version 13 is spoken; no
 * subprotocol and no extension is ever negotiated (permessage-deflate is declined by leaving
 * it out of the answer, which the RFC allows), so those headers are not read.
 */
export function checkHandshake(request: IncomingMessage): HandshakeCheck {
  if (request.method !== 'GET') return { ok: false, status: 400, message: 'Invalid HTTP method: a WebSocket handshake is a GET' };
  if (!hasToken(request.headers.upgrade, 'websocket')) return { ok: false, status: 400, message: 'Invalid Upgrade header: expected "websocket"' };
  if (!hasToken(request.headers.connection, 'upgrade')) return { ok: false, status: 400, message: 'Invalid Connection header: expected "Upgrade"' };
  const key = request.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !KEY_PATTERN.test(key.trim())) {
    return { ok: false, status: 400, message: 'Missing or invalid Sec-WebSocket-Key header: expected the base64 of 16 bytes' };
  }
  if (request.headers['sec-websocket-version']?.trim() !== '13') {
    return { ok: false, status: 426, message: 'Unsupported Sec-WebSocket-Version: only 13 is supported' };
  }
  return { ok: true, key: key.trim() };
}

/** The Sec-WebSocket-Accept value proving the server read this handshake. */
export function acceptValue(key: string): string {
  return createHash('sha1')
    .update(key + ACCEPT_GUID)
    .digest('base64');
}

/** The header lines of the 101 answer (the server's 'headers' listeners may append to them). */
export function switchingProtocolsLines(key: string): string[] {
  return ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${acceptValue(key)}`];
}

/** Answers a refused handshake with its reason in plain text, then closes the socket. */
export function rejectHandshake(socket: Duplex, status: 400 | 426, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(message)}`,
  ];
  if (status === 426) lines.push('Sec-WebSocket-Version: 13');
  // Destroyed once the answer is flushed; an error meanwhile (the client left) only ends it sooner.
  socket.once('finish', () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${message}`);
}

/** Whether a comma-separated header holds `token` (case-insensitive). */
function hasToken(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => part.trim().toLowerCase() === token);
}
