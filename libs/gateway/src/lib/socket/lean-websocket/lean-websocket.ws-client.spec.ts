import WebSocket from 'ws';
import { eventually, startEchoServer, type EchoHarness } from './testing/echo-server.harness';

/** The lean server against the real ws client: the normal path, as browsers and socket.io-client use it. */
describe('LeanWebSocketServer with the ws client', () => {
  let harness: EchoHarness;
  let client: WebSocket;

  beforeEach(async () => {
    harness = await startEchoServer(4 * 1024 * 1024);
    client = new WebSocket(`ws://127.0.0.1:${harness.port}`);
    await new Promise<void>((resolve, reject) => client.once('open', resolve).once('error', reject));
    await eventually(() => harness.connections.length === 1);
  });

  afterEach(async () => {
    client.terminate();
    await harness.stop();
  });

  function nextMessage(): Promise<{ data: Buffer; isBinary: boolean }> {
    return new Promise((resolve) => client.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary })));
  }

  it('negotiates no compression even when the client offers it', () => {
    expect(client.extensions).toBe('');
  });

  it('echoes text as text and binary as binary', async () => {
    const text = nextMessage();
    client.send('héllo ✓');
    expect(await text).toEqual({ data: Buffer.from('héllo ✓'), isBinary: false });
    const binary = nextMessage();
    client.send(Buffer.from([0, 1, 2, 255]));
    expect(await binary).toEqual({ data: Buffer.from([0, 1, 2, 255]), isBinary: true });
  });

  it('echoes big messages (16- and 64-bit lengths, fragmented by the client) intact', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0).map((_, i) => i % 251);
    const received = nextMessage();
    client.send(big, { fin: false });
    client.send(Buffer.alloc(0), { fin: true });
    expect((await received).data.equals(big)).toBe(true);
    const medium = 'm'.repeat(40_000);
    const echoed = nextMessage();
    client.send(medium);
    expect((await echoed).data.toString()).toBe(medium);
  });

  it('sends ArrayBuffers and typed-array views as binary frames', async () => {
    const { websocket } = harness.connections[0];
    const first = nextMessage();
    websocket.send(new Uint8Array([9, 8, 7]).buffer);
    expect(await first).toEqual({ data: Buffer.from([9, 8, 7]), isBinary: true });
    const second = nextMessage();
    websocket.send(new Uint8Array([1, 2, 3, 4]).subarray(1, 3));
    expect(await second).toEqual({ data: Buffer.from([2, 3]), isBinary: true });
  });

  it('calls the send callback once the frame is written, and tracks nothing above the socket', async () => {
    const { websocket } = harness.connections[0];
    await expect(new Promise((resolve) => websocket.send('x', {}, resolve))).resolves.toBeFalsy();
    expect(websocket.bufferedAmount).toBe(0);
  });

  it('reports the code and reason of a close started by the client', async () => {
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    client.close(4002, 'done');
    expect(await closed).toBe(4002);
    const [record] = harness.connections;
    await eventually(() => record.closes.length > 0);
    expect(record.closes).toEqual([{ code: 4002, reason: 'done' }]);
  });

  it('delivers the code and reason of a close started by the server', async () => {
    const closed = new Promise<[number, string]>((resolve) => client.once('close', (code: number, reason: Buffer) => resolve([code, reason.toString()])));
    harness.connections[0].websocket.close(1001, 'going away');
    expect(await closed).toEqual([1001, 'going away']);
    await eventually(() => harness.connections[0].closes.length > 0);
    expect(harness.connections[0].closes).toEqual([{ code: 1001, reason: 'going away' }]);
  });

  it('closes without a status code when none is given (the client sees 1005)', async () => {
    const closed = new Promise<number>((resolve) => client.once('close', resolve));
    harness.connections[0].websocket.close();
    expect(await closed).toBe(1005);
  });

  it('refuses invalid close codes and over-long reasons from the application', () => {
    const { websocket } = harness.connections[0];
    expect(() => websocket.close(1005)).toThrow(TypeError);
    expect(() => websocket.close(1000, 'r'.repeat(124))).toThrow(RangeError);
    expect(websocket.readyState).toBe(1);
  });

  it("turns an error of the TCP socket into 'error', then 'close' (1006)", async () => {
    const { websocket } = harness.connections[0];
    const events: string[] = [];
    websocket.on('error', (error) => events.push(`error ${error.message}`));
    websocket.once('close', (code) => events.push(`close ${code}`));
    websocket._socket.destroy(new Error('connection reset'));
    await eventually(() => events.length === 2);
    expect(events).toEqual(['error connection reset', 'close 1006']);
    expect(websocket.readyState).toBe(3);
  });

  it('answers the client pings', async () => {
    const pong = new Promise<Buffer>((resolve) => client.once('pong', resolve));
    client.ping('beat');
    expect((await pong).toString()).toBe('beat');
  });
});
