import { connect, createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { KafkaBrokerHandle } from './kafka-test-broker-launcher';
import { LOCALHOST } from './net-utils';

/**
 * Topic creation for test workers. The shared Kafka test broker is driven over the stdin of
 * the Jest main process, which workers cannot reach; and the mock broker implements no
 * CreateTopics request, so a kafkajs admin cannot create topics either (Metadata with
 * auto-creation does work, but always with the mock's default of 4 partitions). This tiny
 * line server in the main process forwards `topic <name> <partitions> [replication]` to the
 * broker. Only topic creation is exposed: fault injection on the shared broker would break
 * the suites running next to the one that asked for it.
 */
export interface KafkaTopicControl {
  readonly port: number;
  close(): Promise<void>;
}

export async function startKafkaTopicControl(broker: KafkaBrokerHandle): Promise<KafkaTopicControl> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // a worker that died mid-request is not our problem
    createInterface({ input: socket }).on('line', (line) => {
      const [command, name, partitions, replication] = line.trim().split(/\s+/);
      const answer =
        command === 'topic' && name && partitions
          ? broker.createTopic(name, Number(partitions), replication ? Number(replication) : 1)
          : Promise.reject(new Error(`unsupported command ${JSON.stringify(line)}`));
      void answer.then(
        () => socket.write('OK\n'),
        (error: Error) => socket.write(`ERR ${error.message.replace(/\s+/g, ' ')}\n`),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: LOCALHOST }, resolve);
  });
  // The server must not keep Jest alive if the teardown never runs.
  server.unref();
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('topic control server has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        sockets.forEach((socket) => socket.destroy());
      }),
  };
}

/** Client side (test workers): asks the control server to create a topic. */
export async function requestTopicCreation(
  port: number,
  name: string,
  partitions: number,
  replication: number,
): Promise<void> {
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect({ host: LOCALHOST, port });
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error('test-env topic control did not answer'));
    });
    socket.once('error', reject);
    createInterface({ input: socket }).once('line', (line) => {
      socket.end();
      resolve(line);
    });
    socket.write(`topic ${name} ${partitions} ${replication}\n`);
  });
  if (reply !== 'OK') throw new Error(reply.replace(/^ERR /, ''));
}
