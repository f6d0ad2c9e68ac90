import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ensureKafkaTestBroker } from './ensure-binaries';

export interface KafkaTopicSpec {
  name: string;
  partitions: number;
}

export interface KafkaTestBrokerOptions {
  /** Number of brokers in the mock cluster; their ids are 1..N. Default 1. */
  brokers?: number;
  /** Topics created before the handle is returned (replication factor 1). */
  topics?: readonly KafkaTopicSpec[];
  /** Prebuilt binary; by default it is compiled on demand into <workspace>/tmp/test-env/. */
  binaryPath?: string;
  /** Per-command answer timeout (default 5 s). */
  commandTimeoutMs?: number;
}

export interface KafkaBrokerHandle {
  /** Comma-separated bootstrap list, e.g. "127.0.0.1:40321,127.0.0.1:40322". */
  readonly bootstrap: string;
  /** The same list as an array, one entry per broker (ids 1..N in this order). */
  readonly brokers: string[];
  createTopic(name: string, partitions?: number, replication?: number): Promise<void>;
  /** Disconnects the broker and refuses new connections; leadership does NOT move. */
  setBrokerDown(brokerId: number): Promise<void>;
  setBrokerUp(brokerId: number): Promise<void>;
  /** Moves the partition's leader; -1 makes the partition leader-less. */
  setPartitionLeader(topic: string, partition: number, brokerId: number): Promise<void>;
  /** Sends `quit` and waits for the exit; SIGKILL after 5 s. */
  stop(): Promise<void>;
}

// Kafka's legal topic characters; also keeps whitespace and newlines out of the line protocol.
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Starts the librdkafka mock cluster (tools/test-env/kafka-test-broker.c). It speaks the Kafka
 * protocol well enough for kafkajs producers, consumer groups and offset commits, and starts
 * in milliseconds. It exits by itself when our stdin pipe closes, i.e. when we die.
 */
export async function startKafkaTestBroker(options: KafkaTestBrokerOptions = {}): Promise<KafkaBrokerHandle> {
  const brokerCount = options.brokers ?? 1;
  if (!Number.isInteger(brokerCount) || brokerCount < 1) throw new Error(`invalid broker count ${brokerCount}`);
  const args = ['--brokers', String(brokerCount)];
  for (const topic of options.topics ?? []) {
    checkTopic(topic.name, topic.partitions, 1);
    args.push('--topic', `${topic.name}:${topic.partitions}`);
  }
  const binary = options.binaryPath ?? ensureKafkaTestBroker();
  const commandTimeoutMs = options.commandTimeoutMs ?? 5000;

  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(binary, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.on('error', () => undefined); // EPIPE once it has exited is reported via 'exit'
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });

  // Every stdout line answers the oldest outstanding request (the first one is BOOTSTRAP).
  const waiters: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let exitError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      exitError = new Error(`kafka-test-broker exited (${signal ?? code}): ${stderr.trim()}`);
      waiters.splice(0).forEach((waiter) => waiter.reject(exitError as Error));
      resolve();
    });
  });
  child.once('error', (error) => {
    exitError = new Error(`cannot start kafka-test-broker (${binary}): ${error.message}`);
    waiters.splice(0).forEach((waiter) => waiter.reject(exitError as Error));
  });
  createInterface({ input: child.stdout }).on('line', (line) => waiters.shift()?.resolve(line));

  const nextLine = (timeoutMs: number, what: string): Promise<string> =>
    new Promise((resolve, reject) => {
      if (exitError) return reject(exitError);
      const timer = setTimeout(() => reject(new Error(`kafka-test-broker: no answer to ${what}`)), timeoutMs);
      waiters.push({
        resolve: (line) => (clearTimeout(timer), resolve(line)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
    });

  let bootstrapLine: string;
  try {
    bootstrapLine = await nextLine(10_000, 'start-up');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const match = /^BOOTSTRAP (\S+)$/.exec(bootstrapLine);
  if (!match) {
    child.kill('SIGKILL');
    throw new Error(`kafka-test-broker: unexpected first line ${JSON.stringify(bootstrapLine)}`);
  }
  const bootstrap = match[1];

  // One command at a time: a late answer to a timed-out command would otherwise be taken as
  // the answer to the next one. After a timeout the queue is poisoned for that reason.
  let queue: Promise<unknown> = Promise.resolve();
  let poisoned: Error | undefined;
  const command = (line: string): Promise<void> => {
    const run = async (): Promise<void> => {
      if (poisoned) throw poisoned;
      const answer = nextLine(commandTimeoutMs, JSON.stringify(line));
      child.stdin.write(`${line}\n`);
      const reply = await answer.catch((error: Error) => {
        poisoned ??= error;
        throw error;
      });
      if (reply === 'OK') return;
      throw new Error(`kafka-test-broker: ${line}: ${reply.replace(/^ERR /, '')}`);
    };
    const result = queue.then(run, run);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    bootstrap,
    brokers: bootstrap.split(','),
    async createTopic(name, partitions = 1, replication = 1) {
      checkTopic(name, partitions, replication);
      await command(`topic ${name} ${partitions} ${replication}`);
    },
    setBrokerDown: (brokerId) => command(`down ${checkInteger(brokerId, 'broker id')}`),
    setBrokerUp: (brokerId) => command(`up ${checkInteger(brokerId, 'broker id')}`),
    async setPartitionLeader(topic, partition, brokerId) {
      checkTopic(topic, 1, 1);
      await command(
        `leader ${topic} ${checkInteger(partition, 'partition')} ${checkInteger(brokerId, 'broker id', -1)}`,
      );
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await queue; // let commands already sent finish
      child.stdin.end('quit\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export function assertValidTopicName(name: string): void {
  if (!TOPIC_NAME.test(name)) throw new Error(`invalid Kafka topic name ${JSON.stringify(name)}`);
}

function checkTopic(name: string, partitions: number, replication: number): void {
  assertValidTopicName(name);
  checkInteger(partitions, 'partition count', 1);
  checkInteger(replication, 'replication factor', 1);
}

function checkInteger(value: number, what: string, min = 0): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`invalid ${what}: ${value}`);
  return value;
}
