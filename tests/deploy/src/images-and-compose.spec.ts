import { readdirSync } from 'node:fs';
import { parse } from 'yaml';
import { DEAD_LETTER_TOPIC, KAFKA_TOPICS } from '@moonx-farm/events';
import {
  DEPLOYED_APPS,
  RUNTIME_VARIABLES,
  effectiveValue,
  envNamesReadBy,
  envValueProblems,
  forcedExitMsOf,
} from './support/deployed-apps';
import { bundleInputsOf, isDockerIgnored } from './support/docker-context';
import { execForm, instructionsOf, parseCopy, readDockerfile, type DockerStage } from './support/dockerfile';
import { isRecord, readWorkspaceFile, workspaceFileExists, workspacePath } from './support/workspace';

/*
 * Docker cannot run here, so the images and the compose stack are checked against the code
 * for what can be known without building them: commands, ports, variables, health checks,
 * what the build context holds and what each stage copies.
 */

/** Every app with a Dockerfile: the deployed three and the standalone demo. */
const IMAGE_APPS = [...DEPLOYED_APPS, { name: 'standalone', portVariable: 'WEBSOCKET_GATEWAY_PORT', image: 'moonx-farm/websocket-gateway-standalone' }] as const;

function projectCommand(app: string, target: 'build' | 'serve'): string {
  const project = JSON.parse(readWorkspaceFile(`apps/${app}/project.json`)) as { targets: Record<string, { options: { command: string } }> };
  return project.targets[target].options.command;
}

function stageNamed(stages: DockerStage[], name: string | undefined): DockerStage | undefined {
  return stages.find((stage) => stage.name === name);
}

it('has a Dockerfile for every app', () => {
  const apps = readdirSync(workspacePath('apps')).filter((name) => workspaceFileExists(`apps/${name}/project.json`));
  expect(apps.filter((app) => !workspaceFileExists(`apps/${app}/Dockerfile`))).toEqual([]);
  expect(IMAGE_APPS.map((app) => app.name).sort()).toEqual(apps.sort());
});

describe.each(IMAGE_APPS)('apps/$name/Dockerfile', (app) => {
  const dockerfile = readDockerfile(`apps/${app.name}/Dockerfile`);
  const runtime = dockerfile.stages[dockerfile.stages.length - 1];
  const copies = (stage: DockerStage) => instructionsOf(stage, 'COPY').map(parseCopy);

  it('builds the bundle with the command of the build target in a separate stage', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(dockerfile.stages.map((stage) => stage.from)).size).toBe(1);
    const builder = stageNamed(dockerfile.stages, copies(runtime).find((copy) => copy.sources[0]?.includes('dist/'))?.from);
    expect(builder).toBeDefined();
    expect(instructionsOf(builder!, 'RUN')).toContain(projectCommand(app.name, 'build'));
    expect(copies(runtime).find((copy) => copy.from === builder!.name)?.sources).toEqual([`/workspace/dist/apps/${app.name}`]);
  });

  it('ships production dependencies only', () => {
    const fromStages = copies(runtime).filter((copy) => copy.from !== undefined);
    const modules = fromStages.filter((copy) => copy.sources.some((source) => source.endsWith('node_modules')));
    expect(modules).toHaveLength(1);
    const depsStage = stageNamed(dockerfile.stages, modules[0].from)!;
    expect(instructionsOf(depsStage, 'RUN').some((run) => /\bnpm ci\b.*--omit=dev/.test(run))).toBe(true);
    expect(instructionsOf(runtime, 'RUN')).toEqual([]);
  });

  it('runs the serve command of the app as a numeric non-root user', () => {
    const [uid, gid] = (instructionsOf(runtime, 'USER').at(-1) ?? '').split(':');
    expect(uid).toMatch(/^[1-9]\d*$/);
    expect(gid).toMatch(/^\d+$/);
    expect(execForm(instructionsOf(runtime, 'CMD').at(-1) ?? '')?.join(' ')).toBe(projectCommand(app.name, 'serve'));
    expect(instructionsOf(runtime, 'ENTRYPOINT')).toEqual([]);
  });

  it('exposes and health-checks the port the app listens on by default', () => {
    const port = Number(effectiveValue(app.name, app.portVariable, {}));
    expect(instructionsOf(runtime, 'EXPOSE')).toEqual([String(port)]);
    const healthcheck = instructionsOf(runtime, 'HEALTHCHECK').at(-1) ?? '';
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD') + 3).trim());
    expect(command?.slice(0, 2)).toEqual(['node', '-e']);
    expect(command?.[2]).toContain(`process.env.${app.portVariable} || ${port}`);
    expect(command?.[2]).toContain(`+ '/health'`);
  });

  it('copies only what the build context holds, including every source file of the bundle', async () => {
    const local = dockerfile.stages.flatMap((stage) => copies(stage).filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources));
    expect(local.filter((source) => !workspaceFileExists(source) || isDockerIgnored(source))).toEqual([]);
    const builder = stageNamed(dockerfile.stages, copies(runtime).find((copy) => copy.sources[0]?.includes('dist/'))?.from)!;
    const copied = copies(builder).filter((copy) => copy.from === undefined).flatMap((copy) => copy.sources);
    expect(copied).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'tsconfig.base.json', 'tools/build']));
    const inputs = await bundleInputsOf(app.name);
    expect(inputs.length).toBeGreaterThan(5);
    const missing = inputs.filter((input) => isDockerIgnored(input) || !copied.some((source) => input === source || input.startsWith(`${source}/`)));
    expect(missing).toEqual([]);
  });
});

describe('.dockerignore', () => {
  it('keeps secrets, dependencies and outputs out of the build context', () => {
    for (const path of ['.env', '.env.production', 'node_modules/zod/package.json', 'libs/events/node_modules/x', 'dist/apps/gateway/main.js', '.git/config']) {
      expect({ path, ignored: isDockerIgnored(path) }).toEqual({ path, ignored: true });
    }
    expect(isDockerIgnored('libs/events/src/lib/event-types.ts')).toBe(false);
    expect(isDockerIgnored('libs/events/src/lib/event-types.spec.ts')).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  interface ComposeService {
    image?: string;
    build?: { context: string; dockerfile: string };
    environment?: Record<string, string | number | boolean>;
    ports?: string[];
    depends_on?: Record<string, { condition: string }>;
    healthcheck?: { test: string[] };
    stop_grace_period?: string;
    command?: string | string[];
    volumes?: string[];
  }
  const compose = parse(readWorkspaceFile('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
  const services = compose.services;
  const envOf = (service: ComposeService): Record<string, string> =>
    Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, String(value)]));

  it('runs the full local stack', () => {
    expect(Object.keys(services).sort()).toEqual(['auth-bridge', 'gateway', 'grafana', 'ingest', 'kafka', 'kafka-init', 'prometheus', 'redis'].sort());
  });

  it('runs Kafka in KRaft mode (no ZooKeeper) with a valid cluster id', () => {
    const kafka = envOf(services['kafka']);
    expect(kafka['KAFKA_PROCESS_ROLES']?.split(',').sort()).toEqual(['broker', 'controller']);
    expect(kafka['KAFKA_CONTROLLER_QUORUM_VOTERS']).toBe(`${kafka['KAFKA_NODE_ID']}@kafka:9093`);
    expect(Object.keys(kafka).filter((name) => /ZOOKEEPER/.test(name))).toEqual([]);
    expect(Buffer.from(kafka['CLUSTER_ID'], 'base64url')).toHaveLength(16);
    expect(kafka['KAFKA_LISTENERS']).toContain('INTERNAL://:9092');
    expect(kafka['KAFKA_ADVERTISED_LISTENERS']).toContain('INTERNAL://kafka:9092');
  });

  it('creates every raw topic of the contract and the dead-letter topic', () => {
    const topics = envOf(services['kafka-init'])['TOPICS'].split(/\s+/).sort();
    const deadLetter = String(effectiveValue('ingest', 'KAFKA_DEAD_LETTER_TOPIC', envOf(services['ingest'])));
    expect(deadLetter).toBe(DEAD_LETTER_TOPIC);
    expect(topics).toEqual([...Object.values(KAFKA_TOPICS), deadLetter].sort());
    expect(effectiveValue('ingest', 'KAFKA_TOPICS', envOf(services['ingest']))).toEqual(Object.values(KAFKA_TOPICS));
  });

  describe.each(DEPLOYED_APPS)('$name', (app) => {
    const service = services[app.name];
    const env = envOf(service);

    it('builds the app Dockerfile into the image the k8s manifests run', () => {
      expect(service.build).toEqual({ context: '.', dockerfile: `apps/${app.name}/Dockerfile` });
      expect(service.image?.split(':')[0]).toBe(app.image);
    });

    it('sets only variables the app reads, with values it accepts', () => {
      const read = envNamesReadBy(app.name);
      expect(Object.keys(env).filter((name) => !read.has(name) && !RUNTIME_VARIABLES.includes(name))).toEqual([]);
      expect(envValueProblems(app.name, env)).toEqual([]);
    });

    it('publishes and health-checks the port the app listens on', () => {
      const port = Number(effectiveValue(app.name, app.portVariable, env));
      expect(service.ports).toEqual([`${port}:${port}`]);
      expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health`);
    });

    it('reaches Redis and Kafka through services of the stack, started before it', () => {
      const needs: string[] = [];
      if (read(app.name, 'REDIS_HOST')) {
        expect(env['REDIS_HOST']).toBe('redis');
        expect(effectiveValue(app.name, 'REDIS_PORT', env)).toBe(6379);
        needs.push('redis');
      }
      if (read(app.name, 'KAFKA_BROKERS') && env['KAFKA_BROKERS']) {
        expect(env['KAFKA_BROKERS']).toBe('kafka:9092');
        needs.push('kafka-init');
      }
      for (const dependency of needs) expect(service.depends_on?.[dependency]?.condition).toMatch(/^service_(healthy|completed_successfully)$/);
    });

    it('gives the app time to finish its own shutdown before Docker kills it', () => {
      const grace = /^(\d+)s$/.exec(service.stop_grace_period ?? '10s');
      expect(Number(grace?.[1]) * 1000).toBeGreaterThan(forcedExitMsOf(app.name, env));
    });
  });

  it('mounts the Prometheus and Grafana files of deploy/', () => {
    const mounts = [...(services['prometheus'].volumes ?? []), ...(services['grafana'].volumes ?? [])].map((volume) => volume.split(':')[0].replace(/^\.\//, ''));
    expect(mounts.filter((path) => !workspaceFileExists(path))).toEqual([]);
    expect(isRecord(parse(readWorkspaceFile('deploy/prometheus/prometheus.yml')))).toBe(true);
  });
});

function read(app: string, name: string): boolean {
  return envNamesReadBy(app).has(name);
}
