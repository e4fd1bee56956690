/**
 * compose.yaml, as Docker's Compose reads it, describes the native stack: the same service ports,
 * environment, health checks, images and dependencies. Every expectation is derived from the code
 * `npm start` runs (deploy/src/facts.ts), never from a list kept here.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { DEFAULT_CONCURRENCY, envoyArgs } from "@msa-board/gateway/command";
import { CONTAINER_TLS_DIR } from "@msa-board/gateway/options";
import { containerAddresses, expectedContainerEnv, PER_INSTANCE } from "../src/container-env.ts";
import {
  DEV_ADMIN,
  defaultPorts,
  deployVersions,
  envoyUpstreams,
  fromRoot,
  gatewayListenPort,
  HEALTH_PATH,
  readableEnv,
  SERVICES,
  SHUTDOWN_TIMEOUT_MS,
} from "../src/facts.ts";
import { DEV_REDIS_PASSWORDS, redisAclArgs, userArgs } from "../src/redis-acl.ts";
import { imageProblems } from "./support/compose-images.ts";
import { composeConfig } from "./support/render.ts";
import { COLD_INSTALL_MS, deployTools } from "./support/tools.ts";
import type { ComposeModel, ComposeService } from "./support/types.ts";

let model: ComposeModel;
beforeAll(async () => {
  model = await composeConfig((await deployTools()).compose);
}, COLD_INSTALL_MS);

const service = (name: string): ComposeService => {
  const found = model.services[name];
  if (!found) throw new Error(`compose.yaml has no service ${name}`);
  return found;
};
const seconds = (duration: string | undefined) => {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration ?? "");
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : Number.NaN;
};
const STORES = ["postgres", "redis-notices", "redis-events"];

describe("compose.yaml", () => {
  test("runs the whole system: three services, the stores, the gateway and Jaeger", () => {
    expect(Object.keys(model.services).sort()).toEqual([...SERVICES, ...STORES, "gateway", "jaeger"].sort());
  });

  test("publishes only the gateway and Jaeger's query port, on the native stack's ports", () => {
    const published = Object.entries(model.services).filter(([, s]) => s.ports?.length);
    expect(published.map(([name]) => name).sort()).toEqual(["gateway", "jaeger"]);
    // TLS only, on the host's loopback unless GATEWAY_BIND_ADDRESS opens it.
    expect(service("gateway").ports).toEqual([
      {
        mode: "ingress",
        host_ip: "127.0.0.1",
        target: gatewayListenPort(),
        published: String(defaultPorts.gatewayTls),
        protocol: "tcp",
      },
    ] as never);
    // Jaeger's UI has no login: the host's loopback only, like `npm start`.
    expect(service("jaeger").ports).toEqual([
      {
        mode: "ingress",
        host_ip: "127.0.0.1",
        target: defaultPorts.jaegerQuery,
        published: String(defaultPorts.jaegerQuery),
        protocol: "tcp",
      },
    ] as never);
  });

  describe.each(SERVICES)("%s", (name) => {
    test("gets the environment `npm start` gives it, in container form", () => {
      const environment = service(name).environment ?? {};
      const expected = expectedContainerEnv(name, { development: true });
      const stated = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== PER_INSTANCE));
      expect(environment).toEqual(stated as Record<string, string>);
    });

    test("sets nothing the service does not read", () => {
      const readable = readableEnv(name);
      expect(Object.keys(service(name).environment ?? {}).filter((n) => !readable(n))).toEqual([]);
    });

    test(`is health-checked on ${HEALTH_PATH} at its own port`, () => {
      const check = service(name).healthcheck;
      expect(check?.test.join(" ")).toContain(`http://127.0.0.1:${defaultPorts[name]}${HEALTH_PATH}`);
    });

    test("starts after every store and service its URLs name is healthy", () => {
      const environment = service(name).environment ?? {};
      const hosts = Object.values(environment).flatMap((value) => {
        try {
          return [new URL(value ?? "").hostname];
        } catch {
          return [];
        }
      });
      const needed = [...new Set(hosts)].filter((host) => host in model.services && host !== name);
      const dependsOn = service(name).depends_on ?? {};
      for (const host of needed) expect({ [host]: dependsOn[host]?.condition }).toEqual({ [host]: "service_healthy" });
    });

    test("has time to drain in-flight requests on stop (SHUTDOWN_TIMEOUT_MS)", () => {
      expect(seconds(service(name).stop_grace_period)).toBeGreaterThan(SHUTDOWN_TIMEOUT_MS / 1000);
    });

    test("runs hardened: non-root, read-only root filesystem, no capabilities, writable /tmp", () => {
      const s = service(name);
      expect(s.user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
      expect(s.read_only).toBe(true);
      expect(s.cap_drop).toEqual(["ALL"]);
      expect(s.security_opt).toContain("no-new-privileges:true");
      expect(s.tmpfs).toContain("/tmp");
    });
  });

  test("every depends_on waits for health, and every awaited service has a health check", () => {
    for (const [name, s] of Object.entries(model.services)) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(`${name} → ${dependency}: ${condition}`).toBe(`${name} → ${dependency}: service_healthy`);
        expect(service(dependency).healthcheck?.test.length ?? 0).toBeGreaterThan(0);
      }
    }
  });

  test("the gateway image runs Envoy with the gateway's flags (one worker thread by default), as the native stack does", () => {
    const dockerfile = readFileSync(fromRoot("deploy", "docker", "gateway.Dockerfile"), "utf8");
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? "null") as string[];
    expect(cmd).toEqual(["envoy", ...envoyArgs("/etc/envoy/envoy.yaml", { concurrency: DEFAULT_CONCURRENCY })]);
    expect(service("gateway").command ?? null).toBeNull();
  });

  test("the gateway starts after the services it routes to and the Jaeger it traces to", () => {
    const dependsOn = Object.keys(service("gateway").depends_on ?? {}).sort();
    expect(dependsOn).toEqual([...new Set(envoyUpstreams().map((u) => u.host))].sort());
  });

  test("every host Envoy's container config resolves is a compose service listening on that port", () => {
    for (const { host, port } of envoyUpstreams()) {
      expect(Object.keys(model.services)).toContain(host);
      const environment = model.services[host]?.environment ?? {};
      if (host === "jaeger") expect(port).toBe(defaultPorts.otlpGrpc);
      else expect(environment.PORT).toBe(String(port));
    }
  });

  test("the stores: pinned official images, AOF for Redis, the init script for PostgreSQL, named volumes", () => {
    expect(service("postgres").image).toBe(deployVersions.images.postgres);
    for (const redis of ["redis-notices", "redis-events"]) {
      expect(service(redis).image).toBe(deployVersions.images.redis);
      expect(service(redis).command?.join(" ")).toContain("--appendonly yes");
    }
    const mounts = service("postgres").volumes ?? [];
    expect(mounts).toContainEqual(
      expect.objectContaining({
        type: "bind",
        source: fromRoot("deploy", "compose", "postgres-init"),
        target: "/docker-entrypoint-initdb.d",
      }),
    );
    for (const name of [...STORES, "jaeger"]) {
      expect((service(name).volumes ?? []).filter((v) => v.type === "volume").length).toBe(1);
    }
    // Each store answers on the port its container address says (containerAddresses).
    const storePorts = [...containerAddresses.values()].filter((a) => STORES.includes(a.host)).map((a) => [a.host, a.port]);
    expect(storePorts).toEqual([
      ["postgres", 5432],
      ["redis-notices", 6379],
      ["redis-events", 6379],
    ]);
  });

  test("the dev defaults are the documented ones, and the database passwords agree with the init script's", () => {
    const users = service("users").environment ?? {};
    expect([users.ADMIN_EMAIL, users.ADMIN_PASSWORD]).toEqual([DEV_ADMIN.email, DEV_ADMIN.password]);
    const postgres = service("postgres").environment ?? {};
    expect(new URL(users.DATABASE_URL ?? "").password).toBe(postgres.USERS_DB_PASSWORD as string);
    expect(new URL(service("postings").environment?.DATABASE_URL ?? "").password).toBe(postgres.POSTINGS_DB_PASSWORD as string);
  });

  test("the gateway gets its certificate and key from compose secrets, where its config reads them", () => {
    expect(
      service("gateway")
        .secrets?.map((x) => x.target)
        .sort(),
    ).toEqual([`${CONTAINER_TLS_DIR}/tls.crt`, `${CONTAINER_TLS_DIR}/tls.key`]);
    for (const { source } of service("gateway").secrets ?? []) expect(model.secrets?.[source]?.file).toBeString();
  });

  test.each([
    ["redis-notices", "redisNotices"],
    ["redis-events", "redisEvents"],
  ] as const)(
    "%s: the ACL users of stack/src/infra/redis-acl.ts; the default user behind a password, the health check too",
    (name, store) => {
      expect(userArgs(service(name).command ?? [])).toEqual(redisAclArgs(store));
      expect(service(name).environment?.REDISCLI_AUTH).toBe(DEV_REDIS_PASSWORDS.admin[store]);
    },
  );

  test("each service's Redis URL names its own ACL user with that user's password", () => {
    const url = (name: string, variable: string) => new URL(service(name).environment?.[variable] ?? "");
    const expectations = [
      ["users", "EVENTS_REDIS_URL", "redis-events"],
      ["postings", "EVENTS_REDIS_URL", "redis-events"],
      ["notices", "REDIS_URL", "redis-notices"],
    ] as const;
    for (const [name, variable, redis] of expectations) {
      const u = url(name, variable);
      expect([u.hostname, u.username, u.password]).toEqual([redis, name, DEV_REDIS_PASSWORDS.services[name]]);
      const args = service(redis).command ?? [];
      expect(args.join(" ")).toContain(`--user ${name} on >${u.password} `);
    }
  });

  test("every image is built from a Dockerfile that exists, or is a pinned official image", () => {
    expect(imageProblems(model)).toEqual([]);
  });
});
