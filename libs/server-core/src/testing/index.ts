export * from './room-store.contract';
export * from './event-log.contract';
export * from './in-memory-harness';
