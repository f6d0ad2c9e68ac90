import { Inject, Injectable } from '@nestjs/common';
import { createRoomName } from '@moonx-farm/events';
import { ROOM_STORE, type RoomStore } from '@moonx-farm/server-core';
import { GATEWAY_OPTIONS, type GatewayOptions } from '../gateway-options';

const MAX_REMEMBERED = 10_000;

/**
 * Which symbols exist: those configured in KNOWN_SYMBOLS, and those ingest has sequenced
 * events for. A well-formed but unknown symbol is refused rather than opening an empty room
 * that would never receive anything.
 */
@Injectable()
export class SymbolDirectory {
  private readonly known: Set<string>;

  constructor(
    @Inject(ROOM_STORE) private readonly store: RoomStore,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
  ) {
    this.known = new Set(options.knownSymbols);
  }

  async isKnown(symbol: string): Promise<boolean> {
    if (this.known.has(symbol)) return true;
    const rooms = [createRoomName.price(symbol), createRoomName.orderbook(symbol), createRoomName.trade(symbol)];
    const seqs = await Promise.all(rooms.map((room) => this.store.currentSeq(room)));
    if (!seqs.some((seq) => seq > 0)) return false;
    if (this.known.size < MAX_REMEMBERED) this.known.add(symbol);
    return true;
  }
}
