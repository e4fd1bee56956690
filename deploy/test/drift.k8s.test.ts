/**
 * The rendered Kubernetes manifests (both overlays, as kustomize builds them) describe the native
 * stack: same ports, environment, health checks, Envoy and Jaeger config — and run the way the
 * issue asks: probes, limits, hardening, drain-aware grace periods, autoscaling per service.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { envoyArgs } from "@msa-board/gateway/command";
import { CONTAINER_TLS_DIR } from "@msa-board/gateway/options";
import { expectedContainerEnv, PER_INSTANCE } from "../src/container-env.ts";
import {
  defaultPorts,
  deployVersions,
  envoyUpstreams,
  fromRoot,
  gatewayListenPort,
  HEALTH_PATH,
  LIVENESS_PATH,
  readableEnv,
  SERVICES,
  SHUTDOWN_TIMEOUT_MS,
  stackVersions,
} from "../src/facts.ts";
import { DEV_REDIS_PASSWORDS, redisAclArgs, userArgs } from "../src/redis-acl.ts";
import { envNames, envVar, find, mainContainer, resolvedEnv, selects, serviceSpec, workload, workloads } from "./support/k8s.ts";
import { kustomizeBuild } from "./support/render.ts";
import { COLD_INSTALL_MS, deployTools } from "./support/tools.ts";
import type { K8sObject, Probe, Workload } from "./support/types.ts";

// The microservices overlays (the monolith overlay has its own test, drift.k8s-monolith.test.ts).
const rendered: Record<"dev" | "prod", K8sObject[]> = { dev: [], prod: [] };
beforeAll(async () => {
  const { kustomize } = await deployTools();
  rendered.dev = (await kustomizeBuild(kustomize, "dev")).objects;
  rendered.prod = (await kustomizeBuild(kustomize, "prod")).objects;
}, COLD_INSTALL_MS);

const STORES = ["postgres", "redis-notices", "redis-events"];
/** Production adds what a real deployment must not do without (each read by its service, checked below). */
const PROD_ONLY_ENV = new Set(["SIGNING_KEYS_ENCRYPTION_KEY"]);

const httpProbe = (probe: Probe | undefined) => probe?.httpGet;

describe.each(["dev", "prod"] as const)("overlay %s", (overlay) => {
  const objects = () => rendered[overlay];

  describe.each(SERVICES)("%s", (name) => {
    const deployment = () => workload(objects(), "Deployment", name);
    const container = () => mainContainer(deployment());

    test("listens on the native stack's port, named http, and its Service forwards that port", () => {
      expect(container().ports).toEqual([{ name: "http", containerPort: defaultPorts[name] }]);
      const spec = serviceSpec(objects(), name);
      expect(spec.ports).toEqual([{ name: "http", port: defaultPorts[name], targetPort: "http" }]);
      expect(selects(spec.selector, deployment())).toBe(true);
    });

    test("gets the environment `npm start` gives it, in container form", () => {
      const expected = expectedContainerEnv(name, { development: overlay === "dev" });
      const names = envNames(container()).filter((n) => !PROD_ONLY_ENV.has(n) || overlay === "dev");
      expect(names.sort()).toEqual(Object.keys(expected).sort());
      for (const [variable, want] of Object.entries(expected)) {
        if (want === PER_INSTANCE) {
          expect(envVar(container(), variable).valueFrom?.fieldRef?.fieldPath).toBe("metadata.name");
        } else if (overlay === "dev") {
          // Literal, or from the dev overlay's generated Secret: the same value either way.
          expect({ [variable]: resolvedEnv(objects(), container(), variable) }).toEqual({ [variable]: want });
        } else if (envVar(container(), variable).value !== undefined) {
          expect({ [variable]: envVar(container(), variable).value }).toEqual({ [variable]: want });
        }
      }
    });

    test("sets nothing the service does not read", () => {
      const readable = readableEnv(name);
      expect(envNames(container()).filter((n) => !readable(n))).toEqual([]);
    });

    test(`readiness and startup probes on ${HEALTH_PATH}, liveness on ${LIVENESS_PATH}`, () => {
      for (const probe of [container().readinessProbe, container().startupProbe]) {
        expect(httpProbe(probe)).toEqual({ path: HEALTH_PATH, port: "http" });
      }
      // A store outage makes /healthz 503; restarting pods for it would only add to the outage.
      expect(httpProbe(container().livenessProbe)).toEqual({ path: LIVENESS_PATH, port: "http" });
    });

    test("the grace period covers the preStop pause and the SHUTDOWN_TIMEOUT_MS drain", () => {
      const preStop = container().lifecycle?.preStop?.sleep?.seconds ?? 0;
      expect(preStop).toBeGreaterThanOrEqual(3);
      expect(envVar(container(), "SHUTDOWN_TIMEOUT_MS").value).toBe(String(SHUTDOWN_TIMEOUT_MS));
      expect(deployment().spec.template.spec.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(preStop + SHUTDOWN_TIMEOUT_MS / 1000);
    });

    test("scales on its own: an autoscaling/v2 HPA on CPU, and a PodDisruptionBudget", () => {
      const hpa = find(objects(), "HorizontalPodAutoscaler", name);
      expect(hpa.apiVersion).toBe("autoscaling/v2");
      expect(hpa.spec?.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name });
      expect(hpa.spec?.metrics).toEqual([
        expect.objectContaining({ type: "Resource", resource: expect.objectContaining({ name: "cpu" }) }),
      ]);
      expect(deployment().spec).not.toHaveProperty("replicas");
      const pdb = find(objects(), "PodDisruptionBudget", name);
      const selector = pdb.spec?.selector as { matchLabels?: Record<string, string> } | undefined;
      expect(selects(selector?.matchLabels, deployment())).toBe(true);
    });

    test("its NetworkPolicy lets traffic in on the port it listens on, and no other", () => {
      const policies = objects().filter(
        (o) =>
          o.kind === "NetworkPolicy" &&
          (o.spec?.podSelector as { matchLabels?: Record<string, string> })?.matchLabels?.["app.kubernetes.io/name"] === name,
      );
      expect(policies.length).toBeGreaterThan(0);
      const ports = policies.flatMap((p) =>
        ((p.spec?.ingress ?? []) as Array<{ ports?: Array<{ port: number }> }>).flatMap((rule) => rule.ports ?? []),
      );
      expect([...new Set(ports.map((p) => p.port))]).toEqual([defaultPorts[name]]);
    });

    test("runs its image: msa-board/<service>", () => {
      const image = container().image;
      expect(image).toMatch(overlay === "dev" ? new RegExp(`^msa-board/${name}:dev$`) : new RegExp(`/msa-board/${name}:[\\w.-]+$`));
    });
  });

  test("every workload is hardened and sized: non-root, read-only root, no privilege escalation, no capabilities, requests and limits", () => {
    for (const w of workloads(objects())) {
      const pod = w.spec.template.spec;
      expect({ [w.metadata.name]: pod.securityContext?.runAsNonRoot }).toEqual({ [w.metadata.name]: true });
      expect(pod.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
      for (const c of pod.containers) {
        const where = `${w.metadata.name}/${c.name}`;
        expect({ [where]: c.securityContext }).toEqual({
          [where]: expect.objectContaining({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          }),
        });
        for (const kind of ["requests", "limits"] as const) {
          expect({ [where]: Object.keys(c.resources?.[kind] ?? {}).sort() }).toEqual({ [where]: ["cpu", "memory"] });
        }
        expect({ [where]: !!(c.readinessProbe && c.livenessProbe) }).toEqual({ [where]: true });
      }
    }
  });

  test("every service gets a writable /tmp (emptyDir) beside its read-only root", () => {
    for (const name of SERVICES) {
      const w = workload(objects(), "Deployment", name);
      const mount = mainContainer(w).volumeMounts?.find((m) => m.mountPath === "/tmp");
      expect(w.spec.template.spec.volumes?.find((v) => v.name === mount?.name)?.emptyDir).toBeDefined();
    }
  });

  test("every host Envoy's container config resolves is a Service here, on that port", () => {
    for (const { host, port } of envoyUpstreams()) {
      expect({ [host]: serviceSpec(objects(), host).ports?.map((p) => p.port) }).toEqual({ [host]: expect.arrayContaining([port]) });
    }
  });

  test("the gateway: the pinned Envoy with the rendered envoy.yaml, the only public Service", () => {
    const gateway = workload(objects(), "Deployment", "gateway");
    const envoy = mainContainer(gateway);
    expect(envoy.image).toBe(deployVersions.images.envoy);
    expect(deployVersions.images.envoy).toBe(`envoyproxy/envoy:v${stackVersions.envoy}`);
    expect(envoy.ports).toEqual([{ name: "https", containerPort: gatewayListenPort() }]);
    // As many worker threads as whole cores in its CPU limit: Envoy's own default counts the node's.
    const cores = Number(envoy.resources?.limits?.cpu);
    expect(Number.isInteger(cores) && cores >= 1).toBe(true);
    expect(envoy.args).toEqual(envoyArgs("/etc/envoy/envoy.yaml", { concurrency: cores }));
    const configVolume = gateway.spec.template.spec.volumes?.find((v) => v.configMap);
    expect(configVolume?.configMap?.name).toMatch(/^gateway-envoy(-[a-z0-9]{10})?$/);
    const exposed = objects().filter((o) => o.kind === "Service" && ["LoadBalancer", "NodePort"].includes(String(o.spec?.type)));
    expect(exposed.map((o) => o.metadata.name)).toEqual(["gateway"]);
    expect(serviceSpec(objects(), "gateway").ports?.map((p) => p.port)).toEqual([defaultPorts.gatewayTls]);
  });

  test("the gateway serves TLS only, with the certificate of the TLS Secret gateway-tls, mounted where its config reads it", () => {
    const gateway = workload(objects(), "Deployment", "gateway");
    const mount = mainContainer(gateway).volumeMounts?.find((m) => m.mountPath === CONTAINER_TLS_DIR);
    const volume = gateway.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.secret?.secretName).toBe("gateway-tls");
    expect(mainContainer(gateway).ports?.map((p) => p.containerPort)).toEqual([defaultPorts.gatewayTls]);
  });

  test("Jaeger: the pinned image, Badger on a PersistentVolumeClaim, the native stack's ports", () => {
    const jaeger = workload(objects(), "Deployment", "jaeger");
    const c = mainContainer(jaeger);
    expect(c.image).toBe(deployVersions.images.jaeger);
    expect(deployVersions.images.jaeger).toBe(`jaegertracing/jaeger:${stackVersions.jaeger.release.replace(/^v/, "")}`);
    expect(c.ports?.map((p) => p.containerPort).sort()).toEqual(
      [defaultPorts.otlpGrpc, defaultPorts.otlpHttp, defaultPorts.jaegerQuery, defaultPorts.jaegerHealth].sort(),
    );
    expect(httpProbe(c.readinessProbe)).toEqual({ path: "/", port: "health" });
    const dataDir = envVar(c, "JAEGER_DATA_DIR").value;
    const dataMount = c.volumeMounts?.find((m) => m.mountPath === dataDir);
    const claim = jaeger.spec.template.spec.volumes?.find((v) => v.name === dataMount?.name)?.persistentVolumeClaim?.claimName;
    expect(find(objects(), "PersistentVolumeClaim", claim ?? "(none)").kind).toBe("PersistentVolumeClaim");
    expect(
      serviceSpec(objects(), "jaeger")
        .ports?.map((p) => p.port)
        .sort(),
    ).toEqual([defaultPorts.otlpGrpc, defaultPorts.otlpHttp, defaultPorts.jaegerQuery].sort());
  });
});

describe("overlay dev", () => {
  const objects = () => rendered.dev;

  test.each(STORES)("%s runs in the cluster as a StatefulSet on a volume, behind a Service of its name", (name) => {
    const set = workload(objects(), "StatefulSet", name) as Workload & { spec: { volumeClaimTemplates?: unknown[] } };
    expect(set.spec.volumeClaimTemplates?.length).toBe(1);
    expect(selects(serviceSpec(objects(), name).selector, set)).toBe(true);
    expect(mainContainer(set).image).toBe(name === "postgres" ? deployVersions.images.postgres : deployVersions.images.redis);
  });

  test("Redis keeps an append-only file, like `npm start`", () => {
    for (const name of ["redis-notices", "redis-events"])
      expect(mainContainer(workload(objects(), "StatefulSet", name)).args?.join(" ")).toContain("--appendonly yes");
  });

  test.each([
    ["redis-notices", "redisNotices"],
    ["redis-events", "redisEvents"],
  ] as const)("%s: the ACL users of stack/src/infra/redis-acl.ts, passwords from the redis-credentials Secret", (name, store) => {
    const redis = mainContainer(workload(objects(), "StatefulSet", name));
    // Kubernetes expands $(VAR) in args from the container's env.
    const args = (redis.args ?? []).map((a) => a.replace(/\$\((\w+)\)/g, (_, v: string) => resolvedEnv(objects(), redis, v) ?? `$(${v})`));
    expect(userArgs(args)).toEqual(redisAclArgs(store));
    expect(resolvedEnv(objects(), redis, "REDISCLI_AUTH")).toBe(DEV_REDIS_PASSWORDS.admin[store]);
  });

  test("each service's Redis URL (from its Secret) names its own ACL user with that user's password", () => {
    const expectations = [
      ["users", "EVENTS_REDIS_URL", "redis-events"],
      ["postings", "EVENTS_REDIS_URL", "redis-events"],
      ["notices", "REDIS_URL", "redis-notices"],
    ] as const;
    for (const [name, variable, redis] of expectations) {
      const url = new URL(resolvedEnv(objects(), mainContainer(workload(objects(), "Deployment", name)), variable) ?? "");
      expect([url.hostname, url.username, url.password]).toEqual([redis, name, DEV_REDIS_PASSWORDS.services[name]]);
    }
  });

  test("the database URLs' passwords are the ones PostgreSQL's init script gives the roles", () => {
    const postgres = mainContainer(workload(objects(), "StatefulSet", "postgres"));
    for (const name of ["users", "postings"] as const) {
      const url = new URL(resolvedEnv(objects(), mainContainer(workload(objects(), "Deployment", name)), "DATABASE_URL") ?? "");
      expect(url.password).toBe(resolvedEnv(objects(), postgres, `${name.toUpperCase()}_DB_PASSWORD`) as string);
    }
  });
});

describe("overlay prod", () => {
  const objects = () => rendered.prod;

  test("commits no Secret and runs no store: they are external", () => {
    expect(objects().filter((o) => o.kind === "Secret")).toEqual([]);
    expect(objects().filter((o) => o.kind === "StatefulSet")).toEqual([]);
    for (const name of STORES) expect(serviceSpec(objects(), name)).toEqual(expect.objectContaining({ type: "ExternalName" }));
  });

  test("every secret value comes from a Secret you create (documented in deploy/README.md), users' signing keys encrypted", () => {
    const refs = workloads(objects()).flatMap((w) =>
      w.spec.template.spec.containers.flatMap((c) =>
        (c.env ?? []).flatMap((e) =>
          e.valueFrom?.secretKeyRef ? [`${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}`] : [],
        ),
      ),
    );
    expect([...new Set(refs)].sort()).toEqual(
      [
        "notices-secrets/REDIS_URL",
        "postings-secrets/CURSOR_SECRET",
        "postings-secrets/DATABASE_URL",
        "postings-secrets/EVENTS_REDIS_URL",
        "users-secrets/ADMIN_EMAIL",
        "users-secrets/ADMIN_PASSWORD",
        "users-secrets/DATABASE_URL",
        "users-secrets/EVENTS_REDIS_URL",
        "users-secrets/SIGNING_KEYS_ENCRYPTION_KEY",
        "web-secrets/CSRF_SECRET",
      ].sort(),
    );
    const readme = readFileSync(fromRoot("deploy", "README.md"), "utf8");
    for (const ref of new Set(refs)) {
      const [secret, key] = ref.split("/") as [string, string];
      expect(readme).toContain(secret);
      expect(readme).toContain(`${key}=`);
    }
  });
});
