export * from './lib/kafka-client.factory';
export * from './lib/kafka-event-sink';
export * from './lib/kafka-event-source';
