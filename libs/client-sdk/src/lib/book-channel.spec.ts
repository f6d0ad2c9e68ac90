import { bookChecksum, type BookLevel, type OrderBookUpdateMessage } from '@moonx-farm/events';
import { FakeChannelHost } from '../testing/fake-channel-host';
import { BookChannel, type OrderBookView, type ResyncInfo } from './book-channel';
import type { GatewayClientError } from './client-error';

const ROOM = 'orderbook:BTC-USDC';

function bookMessage(seq: number, kind: 'snapshot' | 'delta', bids: BookLevel[], asks: BookLevel[], fullAfter?: { bids: BookLevel[]; asks: BookLevel[] }): OrderBookUpdateMessage {
  const full = fullAfter ?? { bids, asks };
  return { room: ROOM, seq, timestamp: 1, id: `e${seq}`, symbol: 'BTC-USDC', kind, bids, asks, checksum: bookChecksum(full.bids, full.asks) };
}

describe('BookChannel: a local book kept correct from snapshot and deltas', () => {
  let host: FakeChannelHost;
  let channel: BookChannel;
  let views: OrderBookView[];
  let resyncs: ResyncInfo[];
  let errors: GatewayClientError[];

  const snapshotAt10 = bookMessage(10, 'snapshot', [['99', '1'], ['98', '2']], [['101', '1'], ['102', '2']]);

  beforeEach(() => {
    host = new FakeChannelHost();
    channel = new BookChannel(host, 'BTC-USDC');
    views = [];
    resyncs = [];
    errors = [];
    channel.events.on('update', (view) => views.push(view));
    channel.events.on('resync', (info) => resyncs.push(info));
    channel.events.on('error', (error) => errors.push(error));
    channel.join();
    host.answer({ ok: true, room: ROOM, seq: 10, snapshot: snapshotAt10 });
  });

  it('starts from the join snapshot and applies deltas in seq order, verifying each checksum', () => {
    expect(host.joins[0]).toMatchObject({ room: ROOM, resumeSeq: undefined });
    expect(views.at(-1)).toMatchObject({ seq: 10, isSynced: true, checksumVerified: true, bids: [['99', '1'], ['98', '2']] });
    channel.receive(bookMessage(11, 'delta', [['99', '0'], ['98.5', '4']], [], { bids: [['98.5', '4'], ['98', '2']], asks: [['101', '1'], ['102', '2']] }));
    expect(views.at(-1)).toMatchObject({ seq: 11, isSynced: true, checksumVerified: true, bids: [['98.5', '4'], ['98', '2']] });
    expect(channel.book.asks).toEqual([['101', '1'], ['102', '2']]);
    expect(resyncs).toEqual([]);
  });

  it('ignores messages the snapshot already covers and duplicates', () => {
    channel.receive(bookMessage(9, 'delta', [['1', '1']], []));
    channel.receive(bookMessage(10, 'delta', [['1', '1']], []));
    expect(views).toHaveLength(1);
    expect(channel.book.bids).toEqual([['99', '1'], ['98', '2']]);
  });

  it('on a seq gap: marks itself out of sync and re-joins WITHOUT resume for a fresh snapshot', () => {
    channel.receive(bookMessage(12, 'delta', [['97', '1']], []));
    expect(resyncs).toEqual([{ symbol: 'BTC-USDC', reason: 'gap' }]);
    expect(channel.isSynced).toBe(false);
    expect(host.joins).toHaveLength(2);
    expect(host.joins[1]).toMatchObject({ room: ROOM, resumeSeq: undefined });
    // Messages that arrive while the re-join is in flight are dropped: the ack's snapshot covers them.
    channel.receive(bookMessage(13, 'delta', [['96', '1']], []));
    expect(channel.book.bids).toEqual([['99', '1'], ['98', '2']]);

    const fresh = bookMessage(13, 'snapshot', [['96', '1']], [['103', '3']]);
    host.answer({ ok: true, room: ROOM, seq: 13, snapshot: fresh });
    expect(channel.isSynced).toBe(true);
    expect(channel.book.bids).toEqual([['96', '1']]);
    expect(channel.book.asks).toEqual([['103', '3']]);
    channel.receive(bookMessage(14, 'delta', [['96', '2']], [], { bids: [['96', '2']], asks: [['103', '3']] }));
    expect(views.at(-1)).toMatchObject({ seq: 14, isSynced: true, checksumVerified: true });
  });

  it('on a checksum mismatch: reports it and resyncs on its own', () => {
    const wrong = { ...bookMessage(11, 'delta', [['99', '5']], []), checksum: 12345 };
    channel.receive(wrong);
    expect(errors.map((error) => error.code)).toEqual(['BOOK_CHECKSUM_MISMATCH']);
    expect(resyncs).toEqual([{ symbol: 'BTC-USDC', reason: 'checksum' }]);
    expect(channel.isSynced).toBe(false);
    expect(host.joins.at(-1)).toMatchObject({ resumeSeq: undefined });
    host.answer({ ok: true, room: ROOM, seq: 11, snapshot: bookMessage(11, 'snapshot', [['99', '5'], ['98', '2']], [['101', '1'], ['102', '2']]) });
    expect(channel.isSynced).toBe(true);
    expect(channel.checksumVerified).toBe(true);
  });

  it('backs off when resyncs repeat without a good update in between', async () => {
    channel.receive({ ...bookMessage(11, 'delta', [], []), checksum: 1 });
    expect(host.joins).toHaveLength(2); // first resync: at once
    host.answer({ ok: true, room: ROOM, seq: 11, snapshot: bookMessage(11, 'snapshot', [['99', '1']], []) });
    channel.receive({ ...bookMessage(12, 'delta', [], []), checksum: 1 });
    expect(host.joins).toHaveLength(2); // second: after the retry delay
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(host.joins).toHaveLength(3);
  });

  it('a snapshot message inside the stream resets the book', () => {
    channel.receive(bookMessage(11, 'snapshot', [['50', '1']], [['60', '1']]));
    expect(channel.book.bids).toEqual([['50', '1']]);
    expect(channel.book.asks).toEqual([['60', '1']]);
    expect(views.at(-1)).toMatchObject({ seq: 11, isSynced: true, checksumVerified: true });
  });

  it('applies the snapshot a slow connection receives after skipped updates, then continues from its seq', () => {
    channel.receiveSnapshot(bookMessage(9, 'snapshot', [['1', '1']], [])); // older than the book: ignored
    expect(channel.book.bids).toEqual([['99', '1'], ['98', '2']]);
    channel.receiveSnapshot(bookMessage(20, 'snapshot', [['90', '1']], [['110', '1']]));
    expect(views.at(-1)).toMatchObject({ seq: 20, isSynced: true, checksumVerified: true, bids: [['90', '1']] });
    channel.receive(bookMessage(21, 'delta', [['91', '2']], [], { bids: [['91', '2'], ['90', '1']], asks: [['110', '1']] }));
    expect(views.at(-1)).toMatchObject({ seq: 21, isSynced: true, checksumVerified: true });
    expect(resyncs).toEqual([]);
  });

  it('resumes from its last seq after a reconnect, replaying the missed deltas', () => {
    channel.onDisconnected();
    expect(channel.state).toBe('pending');
    channel.join(true);
    expect(host.joins.at(-1)).toMatchObject({ room: ROOM, resumeSeq: 10 });
    host.answer({ ok: true, room: ROOM, seq: 10, resumed: true, replayed: 1 });
    channel.receive(bookMessage(11, 'delta', [['98', '0']], [], { bids: [['99', '1']], asks: [['101', '1'], ['102', '2']] }));
    expect(views.at(-1)).toMatchObject({ seq: 11, isSynced: true, checksumVerified: true, bids: [['99', '1']] });
  });

  it('is out of sync while disconnected, and a resume in the middle of a resync still ends in a fresh snapshot', async () => {
    channel.onDisconnected();
    expect(views.at(-1)).toMatchObject({ isSynced: false });
    channel.join(true);
    host.answer({ ok: true, room: ROOM, seq: 10, resumed: true, replayed: 0 });
    expect(channel.isSynced).toBe(true);
    channel.receive(bookMessage(11, 'delta', [['97', '1']], [], { bids: [], asks: [] })); // wrong checksum → resync
    channel.onDisconnected();
    channel.join(true);
    host.answer({ ok: true, room: ROOM, seq: 11, resumed: true, replayed: 0 });
    expect(channel.isSynced).toBe(false);
    channel.receive(bookMessage(12, 'delta', [['96', '1']], []));
    await new Promise((resolve) => setTimeout(resolve, 20)); // a repeated resync waits its back-off
    expect(host.joins.at(-1)).toMatchObject({ resumeSeq: undefined });
    expect(resyncs.map((resync) => resync.reason)).toEqual(['checksum', 'gap']);
  });

  it('a second drop while the resuming join is in flight still resumes onto the book it had', () => {
    channel.onDisconnected();
    channel.join(true);
    channel.onDisconnected(); // dropped again before the ack
    channel.join(true);
    host.answer({ ok: true, room: ROOM, seq: 10, resumed: true, replayed: 1 });
    expect(channel.isSynced).toBe(true);
    channel.receive(bookMessage(11, 'delta', [['98', '0']], [], { bids: [['99', '1']], asks: [['101', '1'], ['102', '2']] }));
    expect(views.at(-1)).toMatchObject({ seq: 11, isSynced: true, checksumVerified: true });
    expect(resyncs).toEqual([]);
  });

  it('when history no longer reaches back, takes the fresh snapshot of the ack', () => {
    channel.onDisconnected();
    channel.join(true);
    host.answer({ ok: true, room: ROOM, seq: 500, resumed: false, snapshot: bookMessage(500, 'snapshot', [['10', '1']], []) });
    expect(channel.book.bids).toEqual([['10', '1']]);
    expect(views.at(-1)).toMatchObject({ seq: 500, isSynced: true });
  });

  it('a room with no book yet is an empty, synced book', () => {
    const empty = new BookChannel(host, 'ETH-USDC');
    empty.join();
    host.answer({ ok: true, room: 'orderbook:ETH-USDC', seq: 0 });
    expect(empty.isSynced).toBe(true);
    expect(empty.book.bids).toEqual([]);
  });
});
