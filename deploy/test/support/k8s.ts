import type { Container, EnvVar, K8sObject, ServiceSpec, Workload } from "./types.ts";

export const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"]);

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered manifests`);
  return found;
}

/** Kustomize appends a content hash to generated ConfigMaps and Secrets: match on the name it was given. */
export function findGenerated(objects: K8sObject[], kind: "ConfigMap" | "Secret", name: string): K8sObject {
  const found = objects.find(
    (o) => o.kind === kind && (o.metadata.name === name || new RegExp(`^${name}-[a-z0-9]{10}$`).test(o.metadata.name)),
  );
  if (!found) throw new Error(`no generated ${kind} ${name} in the rendered manifests`);
  return found;
}

export const workload = (objects: K8sObject[], kind: "Deployment" | "StatefulSet", name: string) => find(objects, kind, name) as Workload;

export const workloads = (objects: K8sObject[]) => objects.filter((o) => WORKLOAD_KINDS.has(o.kind)) as Workload[];

export function mainContainer(w: Workload): Container {
  const [container] = w.spec.template.spec.containers;
  if (!container) throw new Error(`${w.kind} ${w.metadata.name} has no container`);
  return container;
}

export const serviceSpec = (objects: K8sObject[], name: string) => find(objects, "Service", name).spec as ServiceSpec;

export const envNames = (c: Container) => (c.env ?? []).map((e) => e.name);

export function envVar(c: Container, name: string): EnvVar {
  const found = c.env?.find((e) => e.name === name);
  if (!found) throw new Error(`container ${c.name} has no env ${name}`);
  return found;
}

/** Secret values as the cluster would see them (`data` is base64). */
export function secretValues(secret: K8sObject): Record<string, string> {
  const values: Record<string, string> = { ...secret.stringData };
  for (const [key, encoded] of Object.entries(secret.data ?? {})) values[key] = Buffer.from(encoded, "base64").toString("utf8");
  return values;
}

/** The value a container gets for `name`: literal, or looked up in the rendered Secret it names. */
export function resolvedEnv(objects: K8sObject[], c: Container, name: string): string | undefined {
  const v = envVar(c, name);
  if (v.value !== undefined) return v.value;
  const ref = v.valueFrom?.secretKeyRef;
  if (!ref) return undefined;
  const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === ref.name);
  return secret ? secretValues(secret)[ref.key] : undefined;
}

/** Does `selector` pick the pods of `w`? */
export const selects = (selector: Record<string, string> | undefined, w: Workload) =>
  !!selector && Object.entries(selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v);
