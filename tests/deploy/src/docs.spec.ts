import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import {
  DEAD_LETTER_TOPIC,
  DEXEventType,
  ErrorCode,
  KAFKA_TOPICS,
  createRoomName,
  partitionKeyOf,
  producerEventSchema,
  toDecimalString,
  type ProducerEventInput,
} from '@moonx-farm/events';
import { GATEWAY_METRICS } from '@moonx-farm/gateway';
import { INGEST_METRICS, deadLetterOf, decodeRawEvent, roomDeliveriesOf, type StatelessEvent } from '@moonx-farm/ingest';
import { DEPLOYED_APPS, RUNTIME_VARIABLES, documentedEnvNames, effectiveValue } from './support/deployed-apps';
import { bold, codeBlocksOf, namedPathsOf, tableRows, ticks } from './support/markdown';
import { alertRulesOf } from './support/monitoring';
import { renderKustomization } from './support/kustomize-renderer';
import { typeCheck } from './support/type-check';
import { readWorkspaceFile, workspaceFileExists, workspacePath } from './support/workspace';

/** Source text of the apps and libs, to find the HTTP routes a document names. */
function sourceText(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(workspacePath(dir), { withFileTypes: true })) {
      const relative = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (relative.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(relative)) files.push(relative);
    }
  };
  for (const root of ['apps', 'libs', 'tools']) for (const dir of readdirSync(workspacePath(root))) if (workspaceFileExists(`${root}/${dir}/src`)) walk(`${root}/${dir}/src`);
  return files.map((file) => readFileSync(workspacePath(file), 'utf8')).join('\n');
}

describe.each(['docs/OPERATIONS.md', 'docs/SERVER-PUSH-GUIDE.md', 'docs/HOW-TO-ADD-NEW-EVENT-TYPE.md'])('%s', (document) => {
  const text = readWorkspaceFile(document);

  it('names files that exist', () => {
    const exists = (file: string) => {
      if (!file.includes('*')) return workspaceFileExists(file);
      const dir = path.dirname(file);
      const pattern = new RegExp(`^${path.basename(file).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      return workspaceFileExists(dir) && readdirSync(workspacePath(dir)).some((name) => pattern.test(name));
    };
    expect(namedPathsOf(document).filter((file) => !exists(file))).toEqual([]);
  });

  it('names only variables of env.example, exported constants, error codes and HTTP routes the apps serve', () => {
    const documented = documentedEnvNames();
    const codes = new Set<string>(Object.values(ErrorCode));
    const source = sourceText();
    const exported = new Set([...source.matchAll(/export (?:const|enum|function) ([A-Z][A-Z0-9_]*)\b/g)].map((match) => match[1]));
    const tokens = [...new Set([...text.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]))];
    const constants = tokens.map((token) => token.split('=')[0]).filter((token) => /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(token));
    expect(constants.filter((name) => !documented.has(name) && !codes.has(name) && !exported.has(name) && !RUNTIME_VARIABLES.includes(name))).toEqual([]);
    const routes = tokens.map((token) => /^(?:(?:GET|POST) )?(\/[a-z][a-z/]*)$/.exec(token)?.[1]).filter((route): route is string => route !== undefined);
    const served = (route: string) => {
      const bare = route.slice(1);
      const quoted = (value: string) => source.includes(`'${value}'`) || source.includes(`'/${value}'`);
      return quoted(bare) || bare.split('/').every(quoted);
    };
    expect(routes.filter((route) => !served(route))).toEqual([]);
  });
});

describe('docs/OPERATIONS.md', () => {
  const document = 'docs/OPERATIONS.md';

  it('describes every metric the apps export, and no other', () => {
    const documented = tableRows(document, 'Metric').map((row) => ticks(row[0])[0]).sort();
    expect(documented).toEqual([...new Set([...Object.values(GATEWAY_METRICS), ...Object.values(INGEST_METRICS)])].sort());
  });

  it('describes every alert of the PrometheusRule, and no other', () => {
    const documented = tableRows(document, 'Alert').map((row) => ticks(row[0])[0]).sort();
    expect(documented).toEqual(alertRulesOf(renderKustomization('k8s/base')).map((rule) => rule.alert).sort());
  });

  it('gives the ports the apps listen on by default', () => {
    const rows = tableRows(document, 'App');
    expect(rows.map((row) => row[0])).toEqual(DEPLOYED_APPS.map((app) => app.name));
    for (const app of DEPLOYED_APPS) {
      const row = rows.find((candidate) => candidate[0] === app.name)!;
      expect(row[1]).toBe(`${String(effectiveValue(app.name, app.portVariable, {}))} (\`${app.portVariable}\`)`);
    }
  });

  it('has a troubleshooting table of symptom, cause and what to check', () => {
    const rows = tableRows(document, 'Symptom');
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.every((row) => row.length === 3 && row.every((cell) => cell.length > 0))).toBe(true);
  });
});

describe('docs/SERVER-PUSH-GUIDE.md', () => {
  const document = 'docs/SERVER-PUSH-GUIDE.md';
  const sample = (type: DEXEventType, userId?: string): ProducerEventInput => {
    const timestamp = 1767225600000;
    switch (type) {
      case DEXEventType.PRICE_UPDATE:
        return { type, symbol: 'BTC-USDC', data: { price: 1 }, timestamp };
      case DEXEventType.ORDER_BOOK_UPDATE:
        return { type, symbol: 'BTC-USDC', data: { bids: [], asks: [] }, timestamp };
      case DEXEventType.TRADE_NOTIFICATION:
        return { type, symbol: 'BTC-USDC', userId, data: { price: 1, amount: 1, side: 'buy' }, timestamp };
      case DEXEventType.PORTFOLIO_UPDATE:
        return { type, userId: 'user-1', data: { totalValue: 1 }, timestamp };
      case DEXEventType.SYSTEM_ALERT:
        return { type, data: { level: 'info', message: 'hello' }, timestamp };
    }
  };

  it('has code that type-checks against the contract', () => {
    const snippets = codeBlocksOf(document).filter((block) => block.language === 'ts');
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    const files = Object.fromEntries(snippets.map((block, index) => [workspacePath(`tests/deploy/src/__server-push-guide-${index}__.ts`), block.code]));
    expect(typeCheck({ virtualFiles: files }).map((problem) => problem.text)).toEqual([]);
  }, 60000);

  it('gives the topic, partition key and room of every event type as the code does', () => {
    const rows = tableRows(document, 'Event type');
    expect(rows.map((row) => ticks(row[0])[0])).toEqual(Object.values(DEXEventType));
    for (const [typeCell, topicCell, keyCell, roomCell] of rows) {
      const type = ticks(typeCell)[0] as DEXEventType;
      expect({ type, topic: ticks(topicCell)[0] }).toEqual({ type, topic: KAFKA_TOPICS[type] });
      const withUser = producerEventSchema.parse(sample(type, 'user-1'));
      const withoutUser = producerEventSchema.parse(sample(type));
      const keyFields = ticks(keyCell).map((field) => (field.startsWith('"') ? JSON.parse(field) : field));
      const expectedKey = (event: typeof withUser) => keyFields.map((field) => (field in event ? (event as unknown as Record<string, string>)[field] : field === 'system' ? 'system' : undefined)).find((key) => key !== undefined);
      expect({ type, key: partitionKeyOf(withUser) }).toEqual({ type, key: expectedKey(withUser) });
      expect({ type, key: partitionKeyOf(withoutUser) }).toEqual({ type, key: expectedKey(withoutUser) });
      const documentedRooms = ticks(roomCell).map((room) => room.replace('SYMBOL', 'BTC-USDC').replace('USERID', 'user-1'));
      const rooms =
        type === DEXEventType.ORDER_BOOK_UPDATE
          ? [createRoomName.orderbook('BTC-USDC')]
          : [...new Set([withUser, withoutUser].flatMap((event) => roomDeliveriesOf(event as StatelessEvent, 'id').map((delivery) => delivery.room)))];
      expect({ type, rooms: documentedRooms.filter((room) => /^[a-z]+:[\w.:@-]+$/.test(room)).sort() }).toEqual({ type, rooms: rooms.sort() });
    }
  });

  it('lists the fields of every event type, required ones in bold, as the schemas do', () => {
    const rows = tableRows(document, 'Type');
    const common = ['type', 'timestamp', 'id', 'metadata', 'data'];
    for (const option of producerEventSchema.options) {
      const type = option.shape.type.value;
      const row = rows.find((candidate) => ticks(candidate[0])[0] === type);
      expect(row).toBeDefined();
      const dataShape = option.shape.data.shape as Record<string, { safeParse(value: unknown): { success: boolean } }>;
      const topShape = option.shape as unknown as Record<string, { safeParse(value: unknown): { success: boolean } }>;
      const required = (shape: typeof dataShape) => Object.keys(shape).filter((key) => !shape[key].safeParse(undefined).success).sort();
      expect({ type, data: Object.keys(dataShape).filter((key) => !ticks(row![1]).includes(key)) }).toEqual({ type, data: [] });
      expect({ type, required: bold(row![1]).sort() }).toEqual({ type, required: required(dataShape) });
      const other = Object.keys(topShape).filter((key) => !common.includes(key)).sort();
      expect({ type, other: ticks(row![2]).sort(), required: bold(row![2]).sort() }).toEqual({
        type,
        other,
        required: required(Object.fromEntries(other.map((key) => [key, topShape[key]]))),
      });
    }
  });

  it('shows decimal strings exactly as toDecimalString returns them', () => {
    const lines = [...readWorkspaceFile(document).matchAll(/toDecimalString\(([^)]+)\);\s*\/\/\s*(\{.*\})/g)];
    expect(lines.length).toBeGreaterThanOrEqual(3);
    // The arguments and the results in the comments are JavaScript literals.
    const literal = (source: string): unknown => runInNewContext(`(${source})`);
    for (const [, input, expected] of lines) {
      expect({ input, result: toDecimalString(literal(input)) }).toEqual({ input, result: literal(expected) });
    }
  });

  it('shows a dead letter as ingest writes it, with the reason ingest gives', () => {
    const example = codeBlocksOf(document).find((block) => block.language === 'json');
    const letter = JSON.parse(example!.code) as { reason: string; source: { topic: string; partition: number; offset: string; key: string; timestamp: number }; originalBase64: string; rejectedAt: number };
    const raw = { ...letter.source, value: Buffer.from(letter.originalBase64, 'base64'), headers: {} };
    const decoded = decodeRawEvent(raw);
    expect(decoded).toEqual({ ok: false, reason: letter.reason });
    const written = deadLetterOf(raw, letter.reason, letter.rejectedAt);
    expect(JSON.parse(written.value as string)).toEqual(letter);
    expect(Object.keys(written.headers ?? {}).sort()).toEqual(['dead-letter-reason', 'source-topic']);
    expect(readWorkspaceFile(document)).toContain(`\`${DEAD_LETTER_TOPIC}\``);
    expect(path.basename(document)).toBe('SERVER-PUSH-GUIDE.md');
  });
});
