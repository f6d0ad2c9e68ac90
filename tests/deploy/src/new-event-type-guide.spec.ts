import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { KAFKA_TOPICS } from '@moonx-farm/events';
import { uniqueName } from '@moonx-farm/test-env';
import { applyBlock, codeBlocksOf, namedPathsOf, type ApplyDirective, type CodeBlock } from './support/markdown';
import { typeCheck } from './support/type-check';
import { readWorkspaceFile, workspaceFileExists, workspacePath } from './support/workspace';

/*
 * docs/HOW-TO-ADD-NEW-EVENT-TYPE.md, walked: every code block with an apply directive is
 * inserted, as written, into a copy of the libraries it names; the copy must type-check
 * and an event of the new type must publish and route through it.
 */
const GUIDE = 'docs/HOW-TO-ADD-NEW-EVENT-TYPE.md';
const COPIED = ['libs/events/src', 'libs/ingest/src', 'libs/client-sdk/src'];

type Step = CodeBlock & { apply: ApplyDirective };

interface NewTypeModule {
  DEXEventType: Record<string, string>;
  KAFKA_TOPICS: Record<string, string>;
  WEBSOCKET_EVENTS: Record<string, string>;
  DELIVERED_MESSAGE_SCHEMAS: Record<string, { safeParse(value: unknown): { success: boolean; error?: unknown } }>;
  producerEventSchema: { parse(value: unknown): { type: string } & Record<string, unknown> };
  createEventPublisher(producer: { send(record: { topic: string; messages: { key: string; value: string }[] }): Promise<unknown> }): {
    publish(input: unknown): Promise<{ topic: string; key: string; event: Record<string, unknown> }>;
  };
  roomDeliveriesOf(event: unknown, eventId: string): { room: string; type: string; messageTail: string; snapshotTail?: string }[];
}

const blocks = codeBlocksOf(GUIDE);
const steps = blocks.filter((block): block is Step => block.apply !== undefined);

function copyWithSteps(root: string, skip?: Step): void {
  rmSync(root, { recursive: true, force: true });
  for (const dir of COPIED) cpSync(workspacePath(dir), path.join(root, dir), { recursive: true });
  for (const step of steps) {
    if (step === skip) continue;
    const target = path.join(root, step.apply.file);
    writeFileSync(target, applyBlock(readFileSync(target, 'utf8'), step));
  }
}

/** Type problems of the files the guide changes (and of `extra` files), in the copy. */
function checkCopy(root: string, extra: Record<string, string> = {}, under = 'libs/') {
  const files = steps.map((step) => step.apply.file).filter((file) => file.startsWith(under));
  const changed = new Set([...files.map((file) => path.join(root, file)), ...Object.keys(extra)]);
  return typeCheck({
    virtualFiles: extra,
    rootFiles: [...changed].filter((file) => !(file in extra)),
    paths: { '@moonx-farm/events': [path.join(root, 'libs/events/src/index.ts')] },
    reportFor: (file) => changed.has(file),
  });
}

describe(GUIDE, () => {
  const root = workspacePath(`tmp/${uniqueName('event-type-guide')}`);

  beforeAll(() => mkdirSync(root, { recursive: true }));

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names files that exist', () => {
    expect(namedPathsOf(GUIDE).filter((file) => !file.includes('*') && !workspaceFileExists(file))).toEqual([]);
    expect(steps.length).toBeGreaterThanOrEqual(10);
  });

  it('applies to the libraries as they are, and the result type-checks', () => {
    copyWithSteps(root);
    const publishExample = blocks.filter((block) => block.language === 'ts' && !block.apply).map((block) => block.code);
    expect(publishExample).toHaveLength(1);
    const problems = checkCopy(root, { [path.join(root, 'publish-example.ts')]: publishExample[0] });
    expect(problems.map((problem) => problem.text)).toEqual([]);
  }, 60000);

  it('is needed in full: without the partition key step the contract does not compile', () => {
    const partitionStep = steps.find((step) => step.apply.file.endsWith('event-publisher.ts'));
    expect(partitionStep).toBeDefined();
    copyWithSteps(root, partitionStep);
    const problems = checkCopy(root, {}, 'libs/events/');
    expect(problems.map((problem) => path.basename(problem.file))).toEqual(['event-publisher.ts']);
  }, 60000);

  it('publishes and routes an event of the new type through the changed libraries', async () => {
    copyWithSteps(root);
    const entry = path.join(root, 'entry.ts');
    writeFileSync(entry, "export * from './libs/events/src/index';\nexport { roomDeliveriesOf } from './libs/ingest/src/lib/room-message.mapper';\n");
    const outfile = path.join(root, 'bundle.js');
    await build({
      entryPoints: [entry],
      outfile,
      absWorkingDir: workspacePath('.'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      tsconfig: workspacePath('tsconfig.base.json'),
      alias: { '@moonx-farm/events': path.join(root, 'libs/events/src/index.ts') },
      logLevel: 'silent',
    });
    const contract = require(outfile) as NewTypeModule;
    const type = contract.DEXEventType['LIQUIDATION_WARNING'];
    expect(type).toBe('liquidation_warning');
    expect(contract.WEBSOCKET_EVENTS[type]).toBe('liquidation_warning');
    expect(contract.KAFKA_TOPICS[type]).toBe('liquidation.warnings');
    expect(Object.values(KAFKA_TOPICS)).not.toContain('liquidation.warnings');

    const sent: { topic: string; messages: { key: string; value: string }[] }[] = [];
    const publisher = contract.createEventPublisher({ send: async (record) => void sent.push(record) });
    const input = {
      type,
      id: 'liq-1',
      symbol: 'eth-usdc',
      userId: 'user-123',
      data: { marginRatio: 0.052, liquidationPrice: '2210.50', level: 'critical' },
      timestamp: 1767225600000,
    };
    const published = await publisher.publish(input);
    expect({ topic: published.topic, key: published.key }).toEqual({ topic: 'liquidation.warnings', key: 'user-123' });
    expect(JSON.parse(sent[0].messages[0].value)).toMatchObject({ symbol: 'ETH-USDC', data: { marginRatio: '0.052', liquidationPrice: '2210.5' } });
    await expect(publisher.publish({ ...input, data: { ...input.data, liquidationPrice: 0 } })).rejects.toThrow(/liquidationPrice/);

    const deliveries = contract.roomDeliveriesOf(contract.producerEventSchema.parse(input), 'liq-1');
    expect(deliveries.map((delivery) => [delivery.room, delivery.type, delivery.snapshotTail])).toEqual([['user:user-123', type, undefined]]);
    const message: unknown = JSON.parse(`{"seq":1,${deliveries[0].messageTail}`);
    expect(contract.DELIVERED_MESSAGE_SCHEMAS[type].safeParse(message).success).toBe(true);
  }, 60000);

  it('names every place that lists the raw topics', () => {
    const topicStep = readWorkspaceFile(GUIDE).split('## 8.')[1]?.split('## 9.')[0] ?? '';
    const places = [...topicStep.matchAll(/`((?:tools|apps|libs|deploy|k8s)\/[\w./-]+|docker-compose\.yml)`/g)].map((match) => match[1]);
    expect(places.length).toBeGreaterThanOrEqual(2);
    for (const place of places) {
      const text = readWorkspaceFile(place);
      expect({ place, missing: Object.values(KAFKA_TOPICS).filter((topic) => !text.includes(topic)) }).toEqual({ place, missing: [] });
    }
  });
});
