import { z } from 'zod';
import { boolVar, intVar, listVar, optionalText, portVar } from './env-parsing';

/** Redis settings shared by every service that talks to Redis. REDIS_HOST unset = in-memory. */
export const redisEnvShape = {
  REDIS_HOST: optionalText(),
  REDIS_PORT: portVar(6379),
  REDIS_PASSWORD: optionalText(),
  REDIS_DB: intVar(0, 0, 15),
  REDIS_KEY_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{0,32}$/, 'must be up to 32 characters of [A-Za-z0-9:_-]').default('wsg:'),
  /** Comma-separated host:port seeds of a Redis Cluster; when set, cluster mode is used. */
  REDIS_CLUSTER_NODES: listVar([]).refine((nodes) => nodes.every(isHostPort), 'must be comma-separated host:port pairs'),
};

/** Kafka settings shared by every service that talks to Kafka. KAFKA_BROKERS unset = in-memory. */
export const kafkaEnvShape = {
  KAFKA_BROKERS: listVar([]).refine((brokers) => brokers.every(isHostPort), 'must be comma-separated host:port pairs'),
  KAFKA_CLIENT_ID: z.string().min(1).default('websocket-gateway'),
  KAFKA_SSL: boolVar(false),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: optionalText(),
  KAFKA_SASL_PASSWORD: optionalText(),
  KAFKA_CONNECTION_TIMEOUT: intVar(3000, 100, 60000),
};

export interface RedisSettings {
  host: string;
  port: number;
  password?: string;
  db: number;
  keyPrefix: string;
  clusterNodes: { host: string; port: number }[];
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  connectionTimeout: number;
}

type RedisEnv = z.output<z.ZodObject<typeof redisEnvShape>>;
type KafkaEnv = z.output<z.ZodObject<typeof kafkaEnvShape>>;

/** Redis settings, or undefined when the embedded in-memory path is meant. */
export function redisSettingsFrom(env: RedisEnv): RedisSettings | undefined {
  if (!env.REDIS_HOST && env.REDIS_CLUSTER_NODES.length === 0) return undefined;
  return {
    host: env.REDIS_HOST ?? '127.0.0.1',
    port: env.REDIS_PORT,
    password: env.REDIS_PASSWORD,
    db: env.REDIS_DB,
    keyPrefix: env.REDIS_KEY_PREFIX,
    clusterNodes: env.REDIS_CLUSTER_NODES.map(parseHostPort),
  };
}

/** Kafka settings, or undefined when the embedded in-memory log is meant. */
export function kafkaSettingsFrom(env: KafkaEnv): KafkaSettings | undefined {
  if (env.KAFKA_BROKERS.length === 0) return undefined;
  const sasl =
    env.KAFKA_SASL_MECHANISM && env.KAFKA_SASL_USERNAME && env.KAFKA_SASL_PASSWORD
      ? { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }
      : undefined;
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID,
    ssl: env.KAFKA_SSL,
    sasl,
    connectionTimeout: env.KAFKA_CONNECTION_TIMEOUT,
  };
}

export function parseHostPort(value: string): { host: string; port: number } {
  const at = value.lastIndexOf(':');
  const port = Number(value.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`"${value}" is not host:port`);
  }
  return { host: value.slice(0, at), port };
}

function isHostPort(value: string): boolean {
  try {
    parseHostPort(value);
    return true;
  } catch {
    return false;
  }
}
