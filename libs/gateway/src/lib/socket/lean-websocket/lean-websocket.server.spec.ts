import { Opcode } from './websocket-frame.writer';
import { CLOSE_TIMEOUT_MS, WebSocketProtocolError } from './lean-websocket.connection';
import { clientFrame, closePayload } from './testing/client-frame.builder';
import { eventually, startEchoServer, type EchoHarness } from './testing/echo-server.harness';
import { RawWebSocketClient } from './testing/raw-websocket.client';

/** The lean server against raw TCP clients: the handshake and the protocol's error paths, byte by byte. */
describe('LeanWebSocketServer over raw TCP', () => {
  let harness: EchoHarness;
  let client: RawWebSocketClient;

  beforeEach(async () => {
    harness = await startEchoServer(1024);
    client = await RawWebSocketClient.open(harness.port);
  });

  afterEach(async () => {
    client.socket.destroy();
    await harness.stop();
  });

  async function opened(): Promise<void> {
    expect(await client.handshake()).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    await eventually(() => harness.connections.length === 1);
  }

  /** The server's close frame, then the end of the TCP connection, then its 'close' event (1006: the client never sent one). */
  async function expectFailure(code: number): Promise<void> {
    const frame = await client.nextFrame();
    expect(frame?.opcode).toBe(Opcode.Close);
    expect(frame?.payload.readUInt16BE(0)).toBe(code);
    await client.closed();
    const [record] = harness.connections;
    await eventually(() => record.closes.length > 0);
    expect(record.closes).toEqual([{ code: 1006, reason: '' }]);
    expect(record.errors).toEqual([expect.any(WebSocketProtocolError)]);
    expect((record.errors[0] as WebSocketProtocolError).closeCode).toBe(code);
  }

  it('answers the handshake with the accept value of RFC 6455 and no extension or subprotocol', async () => {
    const head = await client.handshake(
      RawWebSocketClient.request({
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
        'Sec-WebSocket-Protocol': 'chat',
      }),
    );
    expect(head).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n');
    expect(head.toLowerCase()).not.toContain('sec-websocket-extensions');
    expect(head.toLowerCase()).not.toContain('sec-websocket-protocol');
  });

  it("lets 'headers' listeners add header lines before the 101 is written", async () => {
    harness.server.on('headers', (headers) => headers.push('Set-Cookie: io=abc'));
    expect(await client.handshake()).toContain('\r\nSet-Cookie: io=abc\r\n');
  });

  // (A Connection header without "upgrade" never reaches an upgrade handler: Node serves it as a plain request.)
  it.each([
    ['a missing key', { 'Sec-WebSocket-Key': null }, 'GET', 400, /Sec-WebSocket-Key/],
    ['a key that is not 16 bytes', { 'Sec-WebSocket-Key': Buffer.alloc(15).toString('base64') }, 'GET', 400, /Sec-WebSocket-Key/],
    ['another Upgrade', { Upgrade: 'h2c' }, 'GET', 400, /Upgrade/],
    ['a POST', {}, 'POST', 400, /method/],
    ['version 8', { 'Sec-WebSocket-Version': '8' }, 'GET', 426, /only 13/],
    ['no version', { 'Sec-WebSocket-Version': null }, 'GET', 426, /only 13/],
  ] as const)('refuses %s and closes the socket', async (_name, overrides, method, status, body) => {
    const response = await client.handshake(RawWebSocketClient.request(overrides, method));
    expect(response).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(response.split('\r\n\r\n')[1]).toMatch(body);
    if (status === 426) expect(response).toContain('\r\nSec-WebSocket-Version: 13\r\n');
    await client.closed();
    expect(harness.connections).toHaveLength(0);
  });

  it('accepts Upgrade and Connection in any case, among other tokens', async () => {
    const head = await client.handshake(RawWebSocketClient.request({ Upgrade: 'WebSocket', Connection: 'keep-alive, UPGRADE' }));
    expect(head).toMatch(/^HTTP\/1\.1 101 /);
  });

  it('parses a frame sent in the same packet as the handshake request', async () => {
    await client.handshake(RawWebSocketClient.request(), clientFrame(Opcode.Text, 'early'));
    expect((await client.nextFrame())?.payload.toString()).toBe('early');
  });

  it('echoes text across 1-byte writes, framed unmasked in one frame', async () => {
    await opened();
    client.socket.setNoDelay(true);
    for (const byte of clientFrame(Opcode.Text, 'tick')) {
      client.send(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await client.nextFrame()).toEqual({ fin: true, opcode: Opcode.Text, payload: Buffer.from('tick') });
  });

  it('answers a ping with a pong of the same payload', async () => {
    await opened();
    client.send(clientFrame(Opcode.Ping, 'are you there'));
    expect(await client.nextFrame()).toEqual({ fin: true, opcode: Opcode.Pong, payload: Buffer.from('are you there') });
  });

  it('fails an unmasked frame with 1002', async () => {
    await opened();
    client.send(clientFrame(Opcode.Text, 'plain', { masked: false }));
    await expectFailure(1002);
  });

  it('fails invalid UTF-8 with 1007', async () => {
    await opened();
    client.send(clientFrame(Opcode.Text, Buffer.from([0xed, 0xa0, 0x80])));
    await expectFailure(1007);
  });

  it('fails an oversize message with 1009 as soon as its header arrives', async () => {
    await opened();
    client.send(clientFrame(Opcode.Binary, Buffer.alloc(1025)).subarray(0, 8));
    await expectFailure(1009);
  });

  it('keeps a throwing message listener inside the connection: reported as an error, closed with 1011', async () => {
    await opened();
    const [record] = harness.connections;
    record.websocket.on('message', () => {
      throw new Error('listener bug');
    });
    client.send(clientFrame(Opcode.Text, 'trigger'));
    let frame = await client.nextFrame();
    if (frame?.opcode === Opcode.Text) frame = await client.nextFrame();
    expect(frame?.opcode).toBe(Opcode.Close);
    expect(frame?.payload.readUInt16BE(0)).toBe(1011);
    await client.closed();
    expect(record.errors.map((error) => error.message)).toEqual(['listener bug']);
  });

  it('completes a close handshake started by the client: echoes the code, ends the socket, reports code and reason', async () => {
    await opened();
    client.send(clientFrame(Opcode.Close, closePayload(4000, 'bye')));
    const frame = await client.nextFrame();
    expect(frame?.opcode).toBe(Opcode.Close);
    expect(frame?.payload.readUInt16BE(0)).toBe(4000);
    await client.closed();
    const [record] = harness.connections;
    await eventually(() => record.closes.length > 0);
    expect(record.closes).toEqual([{ code: 4000, reason: 'bye' }]);
    expect(record.errors).toEqual([]);
    expect(record.websocket.readyState).toBe(3);
  });

  it('completes a close handshake started by the server, and refuses sends after it', async () => {
    await opened();
    const [record] = harness.connections;
    record.websocket.close(4001, 'maintenance');
    const frame = await client.nextFrame();
    expect(frame?.payload.readUInt16BE(0)).toBe(4001);
    expect(frame?.payload.subarray(2).toString()).toBe('maintenance');
    const sent = await new Promise<Error | undefined>((resolve) => record.websocket.send('late', resolve));
    expect(sent?.message).toMatch(/not open/);
    client.send(clientFrame(Opcode.Close, closePayload(4001)));
    await client.closed();
    await eventually(() => record.closes.length > 0);
    expect(record.closes).toEqual([{ code: 4001, reason: '' }]);
  });

  it('destroys the socket when the client never answers a close within CLOSE_TIMEOUT_MS', async () => {
    await opened();
    const [record] = harness.connections;
    jest.useFakeTimers({ doNotFake: ['Date', 'nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      record.websocket.close(1000);
      expect((await client.nextFrame())?.opcode).toBe(Opcode.Close);
      jest.advanceTimersByTime(CLOSE_TIMEOUT_MS - 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(record.websocket.readyState).toBe(2);
      jest.advanceTimersByTime(1);
    } finally {
      jest.useRealTimers();
    }
    await client.closed();
    await eventually(() => record.closes.length > 0);
    expect(record.closes).toEqual([{ code: 1006, reason: '' }]);
  });

  it("emits 'close' once with 1006 when the client just drops the connection", async () => {
    await opened();
    client.socket.destroy();
    const [record] = harness.connections;
    await eventually(() => record.closes.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(record.closes).toEqual([{ code: 1006, reason: '' }]);
    expect(record.websocket.readyState).toBe(3);
  });

  it('finishes a half-closed connection (the client ended without a close frame)', async () => {
    await opened();
    client.socket.end();
    await client.closed();
    const [record] = harness.connections;
    await eventually(() => record.closes.length > 0);
    expect(record.closes).toEqual([{ code: 1006, reason: '' }]);
  });
});
