/**
 * deploy/k8s/overlays/monolith, as kustomize builds it, runs the native monolith shape
 * (`npm start -- --shape monolith`) on the dev overlay: one `monolith` Deployment in place of the
 * three services, PostgreSQL with one database, notices' Redis only, the gateway's monolith config —
 * with the same probes, hardening and scaling rules as every other workload.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { expectedContainerEnv, PER_INSTANCE } from "../src/container-env.ts";
import {
  containerEnvoyConfig,
  defaultPorts,
  envoyUpstreams,
  fromRoot,
  HEALTH_PATH,
  LIVENESS_PATH,
  readableEnv,
  SHUTDOWN_TIMEOUT_MS,
} from "../src/facts.ts";
import { DEV_REDIS_PASSWORDS } from "../src/redis-acl.ts";
import {
  envNames,
  envVar,
  find,
  findGenerated,
  mainContainer,
  resolvedEnv,
  selects,
  serviceSpec,
  workload,
  workloads,
} from "./support/k8s.ts";
import { kustomizeBuild } from "./support/render.ts";
import { COLD_INSTALL_MS, deployTools } from "./support/tools.ts";
import type { K8sObject } from "./support/types.ts";

let objects: K8sObject[];
let dev: K8sObject[];
beforeAll(async () => {
  const { kustomize } = await deployTools();
  [objects, dev] = await Promise.all([kustomizeBuild(kustomize, "monolith"), kustomizeBuild(kustomize, "dev")]).then((r) =>
    r.map((x) => x.objects),
  );
}, COLD_INSTALL_MS);

const appOf = (o: K8sObject) =>
  (o.spec?.podSelector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels?.["app.kubernetes.io/name"];
const withoutGeneratedHeader = (text: string) => text.replace(/^# GENERATED from [^\n]*\n/m, "");
const monolith = () => workload(objects, "Deployment", "monolith");
const container = () => mainContainer(monolith());

describe("overlay monolith", () => {
  test("the monolith shape's workloads: monolith, web, gateway, Jaeger, PostgreSQL and notices' Redis — no services, no events Redis", () => {
    expect(
      workloads(objects)
        .map((w) => `${w.kind}/${w.metadata.name}`)
        .sort(),
    ).toEqual(
      [
        "Deployment/gateway",
        "Deployment/jaeger",
        "Deployment/monolith",
        "Deployment/web",
        "StatefulSet/postgres",
        "StatefulSet/redis-notices",
      ].sort(),
    );
    const gone = ["users", "postings", "notices", "redis-events", "users-secrets", "postings-secrets", "notices-secrets"];
    const left = objects.filter((o) => gone.some((name) => o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)));
    expect(left.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  test("the monolith listens on the native port, named http, behind a headless Service of its name", () => {
    expect(container().ports).toEqual([{ name: "http", containerPort: defaultPorts.monolith }]);
    const spec = serviceSpec(objects, "monolith");
    expect(spec.ports).toEqual([{ name: "http", port: defaultPorts.monolith, targetPort: "http" }]);
    expect(spec.clusterIP).toBe("None");
    expect(selects(spec.selector, monolith())).toBe(true);
  });

  test.each(["monolith", "web"] as const)("%s gets the environment `npm start -- --shape monolith` gives it, in container form", (name) => {
    const c = mainContainer(workload(objects, "Deployment", name));
    const expected = expectedContainerEnv(name, { development: true, shape: "monolith" });
    expect(envNames(c).sort()).toEqual(Object.keys(expected).sort());
    for (const [variable, want] of Object.entries(expected)) {
      if (want === PER_INSTANCE) expect(envVar(c, variable).valueFrom?.fieldRef?.fieldPath).toBe("metadata.name");
      else expect({ [variable]: resolvedEnv(objects, c, variable) }).toEqual({ [variable]: want });
    }
    const readable = readableEnv(name);
    expect(envNames(c).filter((n) => !readable(n))).toEqual([]);
  });

  test(`the monolith: readiness and startup probes on ${HEALTH_PATH}, liveness on ${LIVENESS_PATH}, a grace period covering preStop and the drain`, () => {
    for (const probe of [container().readinessProbe, container().startupProbe])
      expect(probe?.httpGet).toEqual({ path: HEALTH_PATH, port: "http" });
    expect(container().livenessProbe?.httpGet).toEqual({ path: LIVENESS_PATH, port: "http" });
    const preStop = container().lifecycle?.preStop?.sleep?.seconds ?? 0;
    expect(preStop).toBeGreaterThanOrEqual(3);
    expect(monolith().spec.template.spec.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(preStop + SHUTDOWN_TIMEOUT_MS / 1000);
  });

  test("the monolith scales as one: an autoscaling/v2 HPA on CPU and a PodDisruptionBudget; its image msa-board/monolith:dev", () => {
    const hpa = find(objects, "HorizontalPodAutoscaler", "monolith");
    expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "monolith" });
    expect(monolith().spec).not.toHaveProperty("replicas");
    const pdb = find(objects, "PodDisruptionBudget", "monolith");
    expect(selects((pdb.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels, monolith())).toBe(true);
    expect(container().image).toBe("msa-board/monolith:dev");
  });

  test("every workload is hardened as in the other overlays: non-root, read-only root, no privilege escalation, no capabilities, sized", () => {
    for (const w of workloads(objects)) {
      const pod = w.spec.template.spec;
      expect({ [w.metadata.name]: pod.securityContext?.runAsNonRoot }).toEqual({ [w.metadata.name]: true });
      for (const c of pod.containers) {
        expect({ [c.name]: c.securityContext }).toEqual({
          [c.name]: expect.objectContaining({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          }),
        });
        for (const kind of ["requests", "limits"] as const)
          expect(Object.keys(c.resources?.[kind] ?? {}).sort()).toEqual(["cpu", "memory"]);
      }
    }
    const tmp = container().volumeMounts?.find((m) => m.mountPath === "/tmp");
    expect(monolith().spec.template.spec.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  test("the gateway ConfigMap holds gateway/envoy.monolith.yaml (containerMonolithGatewayOptions), and the gateway mounts it", () => {
    const text = findGenerated(objects, "ConfigMap", "gateway-envoy").data?.["envoy.yaml"] ?? "";
    expect(withoutGeneratedHeader(text)).toBe(readFileSync(fromRoot("gateway", "envoy.monolith.yaml"), "utf8"));
    expect(Bun.YAML.parse(withoutGeneratedHeader(text))).toEqual(JSON.parse(JSON.stringify(containerEnvoyConfig("monolith"))));
    const gateway = workload(objects, "Deployment", "gateway");
    const volume = gateway.spec.template.spec.volumes?.find((v) => v.configMap);
    expect(volume?.configMap?.name).toBe(findGenerated(objects, "ConfigMap", "gateway-envoy").metadata.name);
    // Everything else about the gateway is the dev overlay's.
    expect({ ...gateway, spec: { ...gateway.spec, template: null } }).toEqual({
      ...workload(dev, "Deployment", "gateway"),
      spec: { ...workload(dev, "Deployment", "gateway").spec, template: null },
    } as never);
  });

  test("every host the gateway's monolith config resolves is a Service here, on that port", () => {
    for (const { host, port } of envoyUpstreams("monolith")) {
      expect({ [host]: serviceSpec(objects, host).ports?.map((p) => p.port) }).toEqual({ [host]: expect.arrayContaining([port]) });
    }
  });

  test("PostgreSQL runs compose.monolith.yaml's init script, with the password the monolith's URL carries", () => {
    const script = Object.values(findGenerated(objects, "ConfigMap", "postgres-init").data ?? {});
    expect(script.map(withoutGeneratedHeader)).toEqual([
      readFileSync(fromRoot("deploy", "compose", "postgres-init-monolith", "10-monolith-database.sh"), "utf8"),
    ]);
    const postgres = mainContainer(workload(objects, "StatefulSet", "postgres"));
    expect(envNames(postgres).filter((n) => n.endsWith("_DB_PASSWORD"))).toEqual(["MONOLITH_DB_PASSWORD"]);
    const url = new URL(resolvedEnv(objects, container(), "DATABASE_URL") ?? "");
    expect([url.hostname, url.username, url.pathname]).toEqual(["postgres", "monolith", "/monolith"]);
    expect(url.password).toBe(resolvedEnv(objects, postgres, "MONOLITH_DB_PASSWORD") as string);
  });

  test("the monolith logs in to notices' Redis as notices' ACL user, with the password redis-notices gives it", () => {
    const url = new URL(resolvedEnv(objects, container(), "REDIS_URL") ?? "");
    expect([url.hostname, url.username, url.password]).toEqual(["redis-notices", "notices", DEV_REDIS_PASSWORDS.services.notices]);
    const redis = mainContainer(workload(objects, "StatefulSet", "redis-notices"));
    expect(resolvedEnv(objects, redis, "NOTICES_REDIS_PASSWORD")).toBe(url.password);
  });

  test("NetworkPolicies: the monolith admits only the gateway and web on its port; only the monolith reaches the stores; none selects a removed app", () => {
    const policies = objects.filter((o) => o.kind === "NetworkPolicy");
    const from = (app: string) =>
      policies
        .filter((p) => appOf(p) === app)
        .flatMap(
          (p) =>
            p.spec?.ingress as Array<{
              from?: Array<{ podSelector?: { matchLabels?: Record<string, string> } }>;
              ports?: Array<{ port: number }>;
            }>,
        )
        .map((rule) => ({
          from: (rule.from ?? []).map((f) => f.podSelector?.matchLabels?.["app.kubernetes.io/name"]).sort(),
          ports: (rule.ports ?? []).map((p) => p.port),
        }));
    expect(from("monolith")).toEqual([{ from: ["gateway", "web"], ports: [defaultPorts.monolith] }]);
    expect(from("postgres")).toEqual([{ from: ["monolith"], ports: [5432] }]);
    expect(from("redis-notices")).toEqual([{ from: ["monolith"], ports: [6379] }]);
    const apps = new Set(workloads(objects).map((w) => w.spec.template.metadata.labels["app.kubernetes.io/name"]));
    for (const p of policies) if (appOf(p)) expect(apps.has(appOf(p) as string)).toBe(true);
  });
});
