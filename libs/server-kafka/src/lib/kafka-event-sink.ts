import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { EventSink, OutgoingMessage } from '@moonx-farm/server-core';

/**
 * EventSink on a kafkajs producer (acks from all in-sync replicas). Connects lazily on the
 * first send so a service can boot while Kafka is still coming up.
 */
export class KafkaEventSink implements EventSink {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  }

  /** The underlying producer, e.g. for `createEventPublisher` from libs/events. */
  get kafkaProducer(): Producer {
    return this.producer;
  }

  async connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    await this.connecting;
  }

  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    await this.connect();
    await this.producer.send({
      topic,
      acks: -1,
      messages: messages.map((message) => ({ key: message.key, value: message.value, headers: message.headers })),
    });
  }

  async close(): Promise<void> {
    if (this.connecting) await this.producer.disconnect();
    this.connecting = undefined;
  }
}
