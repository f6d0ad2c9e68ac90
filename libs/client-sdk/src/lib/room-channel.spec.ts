import { ErrorCode, type TradeNotificationMessage } from '@moonx-farm/events';
import { FakeChannelHost } from '../testing/fake-channel-host';
import { ClientErrorCode, GatewayClientError } from './client-error';
import { MessageChannel, type GapInfo, type SubscribedInfo } from './room-channel';

const fill = (seq: number, id = `fill-${seq}`): TradeNotificationMessage => ({
  room: 'user:u1',
  seq,
  timestamp: 1,
  id,
  symbol: 'BTC-USDC',
  price: '45000',
  amount: '0.1',
  side: 'buy',
  personal: true,
});

describe('MessageChannel: each message once, in seq order, across re-joins', () => {
  let host: FakeChannelHost;
  let room: string | undefined;
  let channel: MessageChannel<TradeNotificationMessage>;
  let seen: number[];
  let gaps: GapInfo[];
  let subscribed: SubscribedInfo[];

  beforeEach(() => {
    host = new FakeChannelHost();
    room = 'user:u1';
    channel = new MessageChannel<TradeNotificationMessage>(host, () => room, 'resume', true);
    seen = [];
    gaps = [];
    subscribed = [];
    channel.events.on('update', (message) => seen.push(message.seq));
    channel.events.on('gap', (gap) => gaps.push(gap));
    channel.events.on('subscribed', (info) => subscribed.push(info));
    channel.join();
    host.answer({ ok: true, room: 'user:u1', seq: 4 });
  });

  it('drops messages that arrive before the join ack: the server replays what follows the ack', () => {
    const other = new MessageChannel<TradeNotificationMessage>(host, () => 'user:u2', 'resume', true);
    const got: number[] = [];
    other.events.on('update', (message) => got.push(message.seq));
    other.join();
    other.receive({ ...fill(3), room: 'user:u2' });
    host.answer({ ok: true, room: 'user:u2', seq: 3 });
    other.receive({ ...fill(4), room: 'user:u2' });
    expect(got).toEqual([4]);
  });

  it('passes contiguous messages and drops repeated seqs and repeated ids', () => {
    channel.receive(fill(5));
    channel.receive(fill(5));
    channel.receive(fill(6, 'fill-5')); // the same fill sequenced twice by a producer retry
    channel.receive(fill(7));
    expect(seen).toEqual([5, 7]);
    expect(channel.lastSeq).toBe(7);
  });

  it('on a gap, re-joins resuming from the last seq; the replay fills it', () => {
    channel.receive(fill(5));
    channel.receive(fill(8));
    expect(host.joins.at(-1)).toMatchObject({ room: 'user:u1', resumeSeq: 5 });
    host.answer({ ok: true, room: 'user:u1', seq: 5, resumed: true, replayed: 3 });
    [6, 7, 8].forEach((seq) => channel.receive(fill(seq)));
    expect(seen).toEqual([5, 6, 7, 8]);
    expect(subscribed.at(-1)).toEqual({ room: 'user:u1', seq: 5, resumed: true, replayed: 3 });
  });

  it('after a reconnect resumes from its last seq and sees each fill once even when replays overlap', () => {
    channel.receive(fill(5));
    channel.onDisconnected();
    channel.join(true);
    expect(host.joins.at(-1)).toMatchObject({ resumeSeq: 5 });
    host.answer({ ok: true, room: 'user:u1', seq: 5, resumed: true, replayed: 2 });
    [6, 7, 6, 7, 8].forEach((seq) => channel.receive(fill(seq)));
    expect(seen).toEqual([5, 6, 7, 8]);
  });

  it('reports a gap when the history no longer reaches back', () => {
    channel.receive(fill(5));
    channel.onDisconnected();
    channel.join(true);
    host.answer({ ok: true, room: 'user:u1', seq: 2000, resumed: false });
    expect(gaps).toEqual([{ room: 'user:u1', fromSeq: 5, toSeq: 2000 }]);
    channel.receive(fill(2001));
    expect(seen).toEqual([5, 2001]);
  });

  it('starts afresh when the private room changes (another user signed in)', () => {
    channel.receive(fill(5));
    channel.onDisconnected();
    room = 'user:u2';
    channel.join(true);
    expect(host.joins.at(-1)).toMatchObject({ room: 'user:u2', resumeSeq: undefined });
  });

  it('retries transient refusals after retryAfterMs and gives up on permanent ones', async () => {
    const errors: string[] = [];
    channel.events.on('error', (error) => errors.push(error.code));
    channel.onDisconnected();
    channel.join(true);
    host.answer({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: 'slow down', retryAfterMs: 10 } });
    expect(channel.state).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(host.joins).toHaveLength(3);
    host.answer(new GatewayClientError(ClientErrorCode.REQUEST_TIMEOUT, 'no answer'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(host.joins).toHaveLength(4);
    host.answer({ ok: false, error: { code: ErrorCode.FORBIDDEN, message: 'not yours' } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(host.joins).toHaveLength(4);
    expect(channel.state).toBe('failed');
    expect(errors).toEqual(['RATE_LIMITED', 'REQUEST_TIMEOUT', 'FORBIDDEN']);
  });

  it('a private subscription on an anonymous connection fails with UNAUTHORIZED', () => {
    const anonymous = new MessageChannel(host, () => undefined, 'resume', true);
    const errors: string[] = [];
    anonymous.events.on('error', (error) => errors.push(error.code));
    anonymous.join();
    expect(anonymous.state).toBe('failed');
    expect(errors).toEqual(['UNAUTHORIZED']);
  });

  it('leaves the room on close and ignores late answers', () => {
    channel.close();
    expect(host.leaves).toEqual(['user:u1']);
    channel.receive(fill(5));
    expect(seen).toEqual([]);
    expect(channel.state).toBe('unsubscribed');
  });

  it('a price channel accepts a skipped seq (latest wins)', () => {
    const price = new MessageChannel(host, () => 'price:BTC-USDC', 'accept', false);
    const prices: number[] = [];
    price.events.on('update', (message) => prices.push(message.seq));
    price.join();
    host.answer({ ok: true, room: 'price:BTC-USDC', seq: 1, snapshot: { ...fill(1), room: 'price:BTC-USDC' } });
    price.receive({ ...fill(5), room: 'price:BTC-USDC' });
    expect(prices).toEqual([1, 5]);
    expect(host.joins).toHaveLength(2);
  });
});
