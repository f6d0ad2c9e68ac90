export * from './lib/redis-connection.factory';
export * from './lib/redis-room-store';
export * from './lib/redis-room-feed';
export * from './lib/redis-revocation-bus';
