import { readdirSync } from 'node:fs';
import { z } from 'zod';
import * as authBridgeLib from '@moonx-farm/auth-bridge';
import * as gatewayLib from '@moonx-farm/gateway';
import * as ingestLib from '@moonx-farm/ingest';
import * as serverCore from '@moonx-farm/server-core';
import { readWorkspaceFile, workspacePath } from './workspace';

/** The three services deployed on their own (the standalone app is a demo image only). */
export const DEPLOYED_APPS = [
  { name: 'gateway', portVariable: 'WEBSOCKET_GATEWAY_PORT', image: 'moonx-farm/websocket-gateway' },
  { name: 'ingest', portVariable: 'INGEST_HTTP_PORT', image: 'moonx-farm/websocket-gateway-ingest' },
  { name: 'auth-bridge', portVariable: 'AUTH_BRIDGE_PORT', image: 'moonx-farm/websocket-gateway-auth-bridge' },
] as const;

export type DeployedApp = (typeof DEPLOYED_APPS)[number];
export type AppName = DeployedApp['name'];

/** Read by Node.js itself, not by the app's schema; allowed in deployments. */
export const RUNTIME_VARIABLES = ['NODE_OPTIONS'];

type Shape = Record<string, z.ZodType>;

/** Every `*EnvShape` the libs export, by name: what app configs spread into their schema. */
const EXPORTED_SHAPES: Record<string, Shape> = Object.fromEntries(
  [serverCore, gatewayLib, ingestLib, authBridgeLib].flatMap((module) =>
    Object.entries(module).filter(([name, value]) => name.endsWith('EnvShape') && typeof value === 'object' && value !== null),
  ) as [string, Shape][],
);

function configFileOf(app: string): string {
  const dir = `apps/${app}/src/app`;
  const files = readdirSync(workspacePath(dir)).filter((file) => file.endsWith('.config.ts'));
  if (files.length !== 1) throw new Error(`expected one *.config.ts in ${dir}, found ${files.join(', ') || 'none'}`);
  return `${dir}/${files[0]}`;
}

/**
 * The schema an app validates its environment with, rebuilt from the app's own config file:
 * the shapes it spreads into `z.object({...})` (imported from the libs, so new variables are
 * seen at once) plus any variable it names there directly.
 */
export function envShapeOf(app: string): Shape {
  const file = configFileOf(app);
  const source = readWorkspaceFile(file);
  const body = /z\s*\.object\(\{([\s\S]*?)\}\)/.exec(source)?.[1];
  if (body === undefined) throw new Error(`${file}: no z.object({...}) found`);
  const shape: Shape = {};
  for (const [, spread] of body.matchAll(/\.\.\.(\w+)/g)) {
    const exported = EXPORTED_SHAPES[spread];
    if (!exported) throw new Error(`${file} spreads ${spread}, which no lib index exports`);
    Object.assign(shape, exported);
  }
  for (const [, name, owner, key] of body.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:\s*(\w+)\.([A-Z][A-Z0-9_]*)/gm)) {
    const exported = EXPORTED_SHAPES[owner]?.[key];
    if (!exported) throw new Error(`${file}: ${name} refers to ${owner}.${key}, which is not an exported shape field`);
    shape[name] = exported;
  }
  if (Object.keys(shape).length === 0) throw new Error(`${file}: found no variables`);
  return shape;
}

export function envNamesReadBy(app: string): Set<string> {
  return new Set(Object.keys(envShapeOf(app)));
}

/** The value an app uses for a variable: the configured one, else the schema default. */
export function effectiveValue(app: string, name: string, configured: Record<string, string>): unknown {
  const schema = envShapeOf(app)[name];
  if (!schema) throw new Error(`${app} does not read ${name}`);
  return schema.parse(configured[name]);
}

/** Problems of configured values against the app's schema (field checks only). */
export function envValueProblems(app: string, configured: Record<string, string>): string[] {
  const shape = envShapeOf(app);
  const present = Object.fromEntries(Object.entries(configured).filter(([name]) => name in shape));
  const result = z.object(shape).safeParse(present);
  return result.success ? [] : result.error.issues.map((issue) => `${app}: ${String(issue.path[0])}: ${issue.message}`);
}

/** Names documented in env.example (`NAME=` lines). */
export function documentedEnvNames(): Set<string> {
  return new Set([...readWorkspaceFile('env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
}

/**
 * A deadline an app's shutdown gives itself after SIGTERM, in ms, read from its main.ts
 * (`forceAfterMs: env.X + N`) or the default of exitCleanlyOnSignals.
 */
export function forcedExitMsOf(app: string, configured: Record<string, string>): number {
  const main = readWorkspaceFile(`apps/${app}/src/main.ts`);
  const custom = /forceAfterMs:\s*env\.([A-Z][A-Z0-9_]*)\s*\+\s*([\d_]+)/.exec(main);
  if (custom) return Number(effectiveValue(app, custom[1], configured)) + Number(custom[2].replace(/_/g, ''));
  if (/forceAfterMs/.test(main)) throw new Error(`apps/${app}/src/main.ts sets forceAfterMs in a form this test does not read`);
  const bootstrap = readWorkspaceFile('libs/server-core/src/lib/config/app-bootstrap.ts');
  const fallback = /forceAfterMs\s*\?\?\s*([\d_]+)/.exec(bootstrap);
  if (!fallback) throw new Error('no default forceAfterMs found in app-bootstrap.ts');
  return Number(fallback[1].replace(/_/g, ''));
}
