import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { isRecord, parseYamlDocuments, workspacePath } from './workspace';

/** A rendered Kubernetes object: what every object has; the rest is checked by the schemas. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Renderer {
  command: string;
  args: (dir: string) => string[];
}

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(path.delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The standalone `kustomize` when installed, else `kubectl kustomize` (kubectl has carried
 * kustomize since 1.14). tools/test-env/ensure-system-deps.mjs installs Debian's kubectl when
 * neither is there.
 */
export function findKustomize(): Renderer {
  if (onPath('kustomize')) return { command: 'kustomize', args: (dir) => ['build', dir] };
  if (onPath('kubectl')) return { command: 'kubectl', args: (dir) => ['kustomize', dir] };
  throw new Error('neither kustomize nor kubectl is installed: run `node tools/test-env/ensure-system-deps.mjs`');
}

/** Renders a kustomization directory (relative to the workspace) into its objects. */
export function renderKustomization(relativeDir: string): KubeObject[] {
  const renderer = findKustomize();
  const result = spawnSync(renderer.command, renderer.args(workspacePath(relativeDir)), { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  if (result.error) throw new Error(`${renderer.command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${renderer.command} failed on ${relativeDir}:\n${result.stderr}`);
  return parseYamlDocuments(result.stdout, relativeDir).map((document, index) => {
    if (!isKubeObject(document)) throw new Error(`${relativeDir}: rendered document ${index + 1} is not a Kubernetes object`);
    return document;
  });
}

function isKubeObject(value: unknown): value is KubeObject {
  return (
    isRecord(value) &&
    typeof value['apiVersion'] === 'string' &&
    typeof value['kind'] === 'string' &&
    isRecord(value['metadata']) &&
    typeof value['metadata']['name'] === 'string'
  );
}

/** The objects of one kind, typed by the caller (after schema validation). */
export function objectsOfKind<T>(objects: KubeObject[], kind: string): (T & KubeObject)[] {
  return objects.filter((object) => object.kind === kind) as (T & KubeObject)[];
}

export function findObject<T>(objects: KubeObject[], kind: string, name: string): T & KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} among the rendered objects`);
  return found as T & KubeObject;
}
