import { createInMemoryRoomStoreHarness, describeRoomStoreContract } from '../../testing';

describeRoomStoreContract('in-memory', () => createInMemoryRoomStoreHarness());
