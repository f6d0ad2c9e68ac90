import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { KubeObject } from './kustomize-renderer';
import { typeCheck } from './type-check';
import { workspacePath } from './workspace';

/*
 * JSON schemas of the Kubernetes API (kubernetes-models) and of the prometheus-operator CRDs,
 * compiled to validators. Each kind we deploy is listed with its model and the TypeScript
 * interface of the same schema: the interface adds what the JSON schemas leave open
 * (they allow unknown fields, so a misspelt `readinesProbe` would pass them).
 */
interface Validatable {
  validate(): void;
}

interface KindEntry {
  create: (data: object) => Validatable;
  typeModule: string;
  typeName: string;
}

const KINDS: Record<string, KindEntry> = {
  'v1/Namespace': { create: (data) => new Namespace(data), typeModule: 'kubernetes-models/v1/Namespace', typeName: 'INamespace' },
  'v1/ConfigMap': { create: (data) => new ConfigMap(data), typeModule: 'kubernetes-models/v1/ConfigMap', typeName: 'IConfigMap' },
  'v1/Service': { create: (data) => new Service(data), typeModule: 'kubernetes-models/v1/Service', typeName: 'IService' },
  'apps/v1/Deployment': { create: (data) => new Deployment(data), typeModule: 'kubernetes-models/apps/v1/Deployment', typeName: 'IDeployment' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    create: (data) => new HorizontalPodAutoscaler(data),
    typeModule: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    typeName: 'IHorizontalPodAutoscaler',
  },
  'policy/v1/PodDisruptionBudget': {
    create: (data) => new PodDisruptionBudget(data),
    typeModule: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    typeName: 'IPodDisruptionBudget',
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    create: (data) => new NetworkPolicy(data),
    typeModule: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
    typeName: 'INetworkPolicy',
  },
  'monitoring.coreos.com/v1/ServiceMonitor': {
    create: (data) => new ServiceMonitor(data as ConstructorParameters<typeof ServiceMonitor>[0]),
    typeModule: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor',
    typeName: 'IServiceMonitor',
  },
  'monitoring.coreos.com/v1/PrometheusRule': {
    create: (data) => new PrometheusRule(data as ConstructorParameters<typeof PrometheusRule>[0]),
    typeModule: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule',
    typeName: 'IPrometheusRule',
  },
};

const keyOf = (object: KubeObject) => `${object.apiVersion}/${object.kind}`;
const labelOf = (object: KubeObject) => `${object.kind}/${object.metadata.name}`;

/** Schema problems of each object (an empty list when all are valid). */
export function schemaProblems(objects: KubeObject[]): string[] {
  return objects.flatMap((object) => {
    const entry = KINDS[keyOf(object)];
    if (!entry) return [`${labelOf(object)}: no schema known for ${keyOf(object)} (add it to tests/deploy/src/support/kubernetes-schema.ts)`];
    try {
      entry.create(object).validate();
      return [];
    } catch (error) {
      return [`${labelOf(object)}: ${(error as Error).message}`];
    }
  });
}

/**
 * Unknown or mistyped fields: each object becomes an object literal typed with its API
 * interface, and the compiler's excess-property check names any field the API does not have.
 */
export function unknownFieldProblems(objects: KubeObject[]): string[] {
  const known = objects.filter((object) => KINDS[keyOf(object)]);
  const imports = [...new Set(known.map((object) => keyOf(object)))]
    .map((key) => `import type { ${KINDS[key].typeName} } from '${KINDS[key].typeModule}';`)
    .join('\n');
  const declarations = known
    .map((object, index) => `// ${labelOf(object)}\nexport const object${index}: ${KINDS[keyOf(object)].typeName} = ${JSON.stringify(object, null, 2)};`)
    .join('\n\n');
  const file = workspacePath('tests/deploy/src/support/__rendered-objects__.ts');
  return typeCheck({ virtualFiles: { [file]: `${imports}\n\n${declarations}\n` } }).map((problem) => problem.text);
}
