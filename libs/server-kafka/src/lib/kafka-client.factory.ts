import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { KafkaSettings } from '@moonx-farm/server-core';

export interface KafkaClientOptions {
  /** Called for broker connection errors (counted by `kafka_connection_errors`). */
  onConnectionError?: (message: string) => void;
  logLevel?: logLevel;
}

/**
 * One place that knows how to reach Kafka. kafkajs logs go through a small creator that
 * never prints SASL credentials and reports connection errors to the caller.
 */
export function createKafkaClient(settings: KafkaSettings, options: KafkaClientOptions = {}): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl,
    sasl: settings.sasl
      ? ({ mechanism: settings.sasl.mechanism, username: settings.sasl.username, password: settings.sasl.password } as never)
      : undefined,
    connectionTimeout: settings.connectionTimeout,
    logLevel: options.logLevel ?? logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      const { message, error } = entry.log as { message: string; error?: string };
      if (/connect|ECONNREFUSED|Connection|broker/i.test(`${message} ${error ?? ''}`) && entry.level <= logLevel.ERROR) {
        options.onConnectionError?.(`${message}${error ? `: ${error}` : ''}`);
      }
      if (entry.level <= logLevel.WARN) {
        process.stderr.write(`[kafka] ${entry.namespace}: ${message}${error ? ` (${error})` : ''}\n`);
      }
    },
  });
}
