import { logLevel } from 'kafkajs';
import { createSharedKafkaTopic, getSharedTestEnv } from '@moonx-farm/test-env';
import { describeEventLogContract } from '@moonx-farm/server-core/testing';
import type { EventSource } from '@moonx-farm/server-core';
import { createKafkaClient } from './kafka-client.factory';
import { KafkaEventSink } from './kafka-event-sink';
import { KafkaEventSource } from './kafka-event-source';

describeEventLogContract('kafka (test broker)', async () => {
  const kafka = createKafkaClient(
    { brokers: getSharedTestEnv().kafkaBrokers, clientId: 'event-log-contract', ssl: false, connectionTimeout: 3000 },
    { logLevel: logLevel.NOTHING },
  );
  const sink = new KafkaEventSink(kafka);
  const sources: EventSource[] = [];
  return {
    sink,
    createSource: (groupId) => {
      const source = new KafkaEventSource(kafka, {
        groupId,
        sessionTimeout: 6000,
        heartbeatInterval: 500,
        maxWaitTimeInMs: 10,
        fromBeginning: true,
        maxRetryDelayMs: 200,
      });
      sources.push(source);
      return source;
    },
    createTopic: (name) => createSharedKafkaTopic(name, 2),
    cleanup: async () => {
      await sink.close();
    },
  };
}, 20000);
