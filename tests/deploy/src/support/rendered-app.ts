import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IIoK8sApiCoreV1Container as Container } from 'kubernetes-models/v1';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { readdirSync } from 'node:fs';
import type { DeployedApp } from './deployed-apps';
import { findObject, type KubeObject } from './kustomize-renderer';
import { workspaceFileExists, workspacePath } from './workspace';

/** Every overlay of k8s/overlays (a directory with a kustomization.yaml). */
export const OVERLAYS: string[] = readdirSync(workspacePath('k8s/overlays')).filter((name) =>
  workspaceFileExists(`k8s/overlays/${name}/kustomization.yaml`),
);

export interface RenderedApp {
  deployment: IDeployment & KubeObject;
  container: Container;
  /** Non-secret environment: the ConfigMap behind envFrom, then plain env values. */
  config: Record<string, string>;
  /** Every variable the container gets, secrets included. */
  envNames: string[];
}

export function renderedApp(objects: KubeObject[], app: DeployedApp): RenderedApp {
  const deployment = findObject<IDeployment>(objects, 'Deployment', app.name);
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const container = containers.find((candidate) => candidate.name === app.name);
  if (!container) throw new Error(`Deployment ${app.name} has no container named ${app.name}`);
  const config: Record<string, string> = {};
  const envNames: string[] = [];
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    if (!name) throw new Error(`${app.name}: envFrom must name ConfigMaps only (secrets go through secretKeyRef)`);
    const data = findObject<IConfigMap>(objects, 'ConfigMap', name).data ?? {};
    Object.assign(config, data);
    envNames.push(...Object.keys(data));
  }
  for (const variable of container.env ?? []) {
    envNames.push(variable.name);
    if (variable.value !== undefined) config[variable.name] = variable.value;
  }
  return { deployment, container, config, envNames };
}

/** True when every label of the selector is on the object. */
export function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
}
