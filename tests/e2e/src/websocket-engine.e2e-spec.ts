import { DEXEventType, type JoinRoomAck, type PriceUpdateMessage } from '@moonx-farm/events';
import { connectTestSocket, type AppProcessHandle, type TestSocket } from '@moonx-farm/test-env';
import { redisEnv, RoomPublisher, startGateway } from './support/gateway-e2e.helpers';

/*
 * The gateway on each of its WebSocket servers (WEBSOCKET_ENGINE): the lean default is what
 * every other e2e file runs on; ws is the fallback, and what compression uses. Either way a
 * client connects, joins a room and receives its updates.
 */
describe.each(['ws', 'lean'])('gateway process with WEBSOCKET_ENGINE=%s', (engine) => {
  const redis = redisEnv(`eng${engine}`);
  const sockets: TestSocket[] = [];
  let gateway: AppProcessHandle;
  let publisher: RoomPublisher;

  beforeAll(async () => {
    gateway = await startGateway({ ...redis, ALLOW_ANONYMOUS: 'true', KNOWN_SYMBOLS: 'ENG-USDC', WEBSOCKET_ENGINE: engine });
    publisher = new RoomPublisher(redis);
  }, 60000);

  afterAll(async () => {
    sockets.forEach((socket) => socket.close());
    await publisher?.close();
    await gateway?.stop();
  }, 30000);

  it('connects a client that then receives the updates of a room it joined, in order', async () => {
    const socket = await connectTestSocket(gateway.url);
    sockets.push(socket);
    expect(await socket.request<JoinRoomAck>('join_room', { room: 'price:ENG-USDC' })).toMatchObject({ ok: true });
    for (const price of ['1.5', '1.6', '1.7']) await publisher.publish('price:ENG-USDC', DEXEventType.PRICE_UPDATE, { symbol: 'ENG-USDC', price });
    await socket.next<PriceUpdateMessage>('price_update', (update) => update.price === '1.7', 10000);
    expect(socket.all<PriceUpdateMessage>('price_update').map((update) => update.price)).toEqual(['1.5', '1.6', '1.7']);
  });
});
