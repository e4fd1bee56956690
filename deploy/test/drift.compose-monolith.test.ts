/**
 * compose.monolith.yaml, as Docker's Compose reads it, describes the native monolith shape
 * (`npm start -- --shape monolith`): its processes, environment, health checks, stores and gateway
 * config — and shares with compose.yaml everything the shapes do not change (the public door, the
 * hardening, Jaeger, notices' Redis, web and the gateway image). Expectations come from the code the
 * native stack runs (deploy/src/facts.ts) and from compose.yaml as Compose reads it.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { CONTAINER_CONFIGS } from "@msa-board/gateway/render";
import { loadConfig } from "@msa-board/monolith/config";
import { expectedContainerEnv, PER_INSTANCE } from "../src/container-env.ts";
import {
  DEV_ADMIN,
  defaultPorts,
  deployVersions,
  envoyUpstreams,
  fromRoot,
  HEALTH_PATH,
  readableEnv,
  SHUTDOWN_TIMEOUT_MS,
  unitNames,
} from "../src/facts.ts";
import { DEV_REDIS_PASSWORDS } from "../src/redis-acl.ts";
import { imageProblems } from "./support/compose-images.ts";
import { composeConfig } from "./support/render.ts";
import { COLD_INSTALL_MS, deployTools } from "./support/tools.ts";
import type { ComposeModel, ComposeService } from "./support/types.ts";

const FILE = "compose.monolith.yaml";
let model: ComposeModel;
let services: ComposeModel;
let compose: string;
beforeAll(async () => {
  compose = (await deployTools()).compose;
  [model, services] = await Promise.all([composeConfig(compose, {}, FILE), composeConfig(compose)]);
}, COLD_INSTALL_MS);

const service = (name: string, from = model): ComposeService => {
  const found = from.services[name];
  if (!found) throw new Error(`${from === model ? FILE : "compose.yaml"} has no service ${name}`);
  return found;
};
const seconds = (duration: string | undefined) => {
  const m = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration ?? "");
  return m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) : Number.NaN;
};
/** The native monolith's processes: the monolith and web (stack/src/shapes.ts). */
const UNITS = () => unitNames("monolith");
/** Its stores: one PostgreSQL and notices' Redis — events never leave the process, so no events Redis. */
const STORES = ["postgres", "redis-notices"];
/** compose.yaml's services this file takes as they are (`extends`); what may differ is listed. */
const SHARED: Record<string, { env?: string[]; keys?: string[] }> = {
  "redis-notices": {},
  jaeger: {},
  web: { env: ["USERS_URL"], keys: ["depends_on"] },
  gateway: { keys: ["command", "depends_on"] },
};
const GATEWAY_CONFIG_IN_IMAGE = `/etc/envoy/${CONTAINER_CONFIGS.monolith.file}`;

describe(FILE, () => {
  test("runs the monolith shape: the monolith and web, PostgreSQL and notices' Redis, the gateway and Jaeger", () => {
    expect(UNITS().sort()).toEqual(["monolith", "web"]);
    expect(Object.keys(model.services).sort()).toEqual([...UNITS(), ...STORES, "gateway", "jaeger"].sort());
  });

  test("is a project of its own (its volumes never mix with compose.yaml's)", () => {
    expect(model.name).not.toBe(services.name);
    expect(Object.keys(model.volumes ?? {}).sort()).toEqual(["jaeger-data", "postgres-data", "redis-notices-data"]);
  });

  test("the same public door as compose.yaml: only the gateway (TLS) and Jaeger's query port are published, the same way", () => {
    const published = Object.entries(model.services).filter(([, s]) => s.ports?.length);
    expect(published.map(([name]) => name).sort()).toEqual(["gateway", "jaeger"]);
    for (const name of ["gateway", "jaeger"]) expect(service(name).ports).toEqual(service(name, services).ports as never);
    expect(service("gateway").ports?.[0]?.published).toBe(String(defaultPorts.gatewayTls));
  });

  describe.each(Object.entries(SHARED))("%s: compose.yaml's service", (name, differs) => {
    test("the same image, hardening, health check, environment names and defaults", () => {
      const strip = (s: ComposeService) => {
        const copy: Record<string, unknown> = { ...s };
        for (const key of differs.keys ?? []) delete copy[key];
        const environment = { ...(s.environment ?? {}) };
        for (const variable of differs.env ?? []) delete environment[variable];
        return { ...copy, environment };
      };
      expect(strip(service(name))).toEqual(strip(service(name, services)));
    });
  });

  describe.each(["monolith", "web"] as const)("%s", (name) => {
    test("gets the environment `npm start -- --shape monolith` gives it, in container form", () => {
      const expected = expectedContainerEnv(name, { development: true, shape: "monolith" });
      const stated = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== PER_INSTANCE));
      expect(service(name).environment ?? {}).toEqual(stated as Record<string, string>);
    });

    test("sets nothing the process does not read", () => {
      const readable = readableEnv(name);
      expect(Object.keys(service(name).environment ?? {}).filter((n) => !readable(n))).toEqual([]);
    });

    test(`is health-checked on ${HEALTH_PATH} at its own port`, () => {
      expect(service(name).healthcheck?.test.join(" ")).toContain(`http://127.0.0.1:${defaultPorts[name]}${HEALTH_PATH}`);
    });

    test("starts after every store and service its URLs name is healthy", () => {
      const hosts = Object.values(service(name).environment ?? {}).flatMap((value) => {
        try {
          return [new URL(value ?? "").hostname];
        } catch {
          return [];
        }
      });
      const needed = [...new Set(hosts)].filter((host) => host in model.services && host !== name);
      expect(needed.length).toBeGreaterThan(0);
      const dependsOn = service(name).depends_on ?? {};
      for (const host of needed) expect({ [host]: dependsOn[host]?.condition }).toEqual({ [host]: "service_healthy" });
    });

    test("has time to drain in-flight requests on stop (SHUTDOWN_TIMEOUT_MS), hardened like compose.yaml's services", () => {
      const s = service(name);
      expect(seconds(s.stop_grace_period)).toBeGreaterThan(SHUTDOWN_TIMEOUT_MS / 1000);
      const hardening = (x: ComposeService) => [x.user, x.read_only, x.cap_drop, x.security_opt, x.tmpfs, x.stop_grace_period];
      expect(hardening(s)).toEqual(hardening(service("users", services)));
    });
  });

  test("the monolith's environment is a configuration the monolith accepts — and, as production, refuses for its public secrets", () => {
    const environment = service("monolith").environment as Record<string, string>;
    const config = loadConfig(environment);
    expect(config.MODULES).toEqual(["users", "postings", "notices"]);
    expect(() => loadConfig({ ...environment, NODE_ENV: "production" })).toThrow(
      /ADMIN_PASSWORD|SIGNING_KEYS_ENCRYPTION_KEY|CURSOR_SECRET/,
    );
  });

  test("no events Redis and no outbox relay settings: users' events reach postings in the writing transaction", () => {
    for (const [name, s] of Object.entries(model.services)) {
      expect(`${name}: ${Object.keys(s.environment ?? {}).filter((v) => v.startsWith("EVENTS_"))}`).toBe(`${name}: `);
    }
    expect(model.services["redis-events"]).toBeUndefined();
  });

  test("every depends_on waits for health, and every awaited service has a health check", () => {
    for (const [name, s] of Object.entries(model.services)) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(`${name} → ${dependency}: ${condition}`).toBe(`${name} → ${dependency}: service_healthy`);
        expect(service(dependency).healthcheck?.test.length ?? 0).toBeGreaterThan(0);
      }
    }
  });

  test("the gateway runs the image's monolith config: the Dockerfile's own command, with that file", () => {
    const dockerfile = readFileSync(fromRoot("deploy", "docker", "gateway.Dockerfile"), "utf8");
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? "null") as string[];
    expect(cmd).toContain("/etc/envoy/envoy.yaml");
    expect(service("gateway").command).toEqual(cmd.map((arg) => (arg === "/etc/envoy/envoy.yaml" ? GATEWAY_CONFIG_IN_IMAGE : arg)));
    expect(dockerfile).toMatch(new RegExp(`^COPY .*gateway/${CONTAINER_CONFIGS.monolith.file} ${GATEWAY_CONFIG_IN_IMAGE}$`, "m"));
  });

  test("the gateway starts after what its monolith config routes and traces to", () => {
    const dependsOn = Object.keys(service("gateway").depends_on ?? {}).sort();
    expect(dependsOn).toEqual([...new Set(envoyUpstreams("monolith").map((u) => u.host))].sort());
  });

  test("every host Envoy's monolith config resolves is a compose service listening on that port", () => {
    const hosts = envoyUpstreams("monolith");
    // users, postings and notices all go to the one process.
    expect(hosts.filter((u) => ["users", "postings", "notices"].includes(u.cluster)).map((u) => [u.host, u.port])).toEqual(
      Array(3).fill(["monolith", defaultPorts.monolith]),
    );
    for (const { host, port } of hosts) {
      expect(Object.keys(model.services)).toContain(host);
      if (host === "jaeger") expect(port).toBe(defaultPorts.otlpGrpc);
      else expect(service(host).environment?.PORT).toBe(String(port));
    }
  });

  test("PostgreSQL: compose.yaml's image and health check, the monolith's init script, one database password shared with the URL", () => {
    const postgres = service("postgres");
    expect(postgres.image).toBe(deployVersions.images.postgres);
    expect(postgres.healthcheck).toEqual(service("postgres", services).healthcheck as never);
    expect(postgres.environment?.POSTGRES_PASSWORD).toBe(service("postgres", services).environment?.POSTGRES_PASSWORD as string);
    expect(postgres.volumes ?? []).toContainEqual(
      expect.objectContaining({
        type: "bind",
        source: fromRoot("deploy", "compose", "postgres-init-monolith"),
        target: "/docker-entrypoint-initdb.d",
      }),
    );
    const url = new URL(service("monolith").environment?.DATABASE_URL ?? "");
    expect([url.hostname, url.port, url.username, url.pathname]).toEqual(["postgres", "5432", "monolith", "/monolith"]);
    expect(url.password).toBe(postgres.environment?.MONOLITH_DB_PASSWORD as string);
    for (const name of [...STORES, "jaeger"]) expect((service(name).volumes ?? []).filter((v) => v.type === "volume").length).toBe(1);
  });

  test("the monolith logs in to notices' Redis as notices' own ACL user", () => {
    const url = new URL(service("monolith").environment?.REDIS_URL ?? "");
    expect([url.hostname, url.username, url.password]).toEqual(["redis-notices", "notices", DEV_REDIS_PASSWORDS.services.notices]);
    expect((service("redis-notices").command ?? []).join(" ")).toContain(`--user notices on >${url.password} `);
  });

  test("the dev defaults are the documented ones", () => {
    const environment = service("monolith").environment ?? {};
    expect([environment.ADMIN_EMAIL, environment.ADMIN_PASSWORD]).toEqual([DEV_ADMIN.email, DEV_ADMIN.password]);
    expect(environment.CURSOR_SECRET).toBe(service("postings", services).environment?.CURSOR_SECRET as string);
  });

  test("secrets and overrides come from the environment or .env under the names compose.yaml uses", async () => {
    const overridden = await composeConfig(
      compose,
      { MONOLITH_DB_PASSWORD: "db-pw-1", NOTICES_REDIS_PASSWORD: "redis-pw-2", ADMIN_PASSWORD: "admin-pw-3", GATEWAY_TLS_PORT: "9443" },
      FILE,
    );
    const environment = overridden.services.monolith?.environment ?? {};
    expect(new URL(environment.DATABASE_URL ?? "").password).toBe("db-pw-1");
    expect(overridden.services.postgres?.environment?.MONOLITH_DB_PASSWORD).toBe("db-pw-1");
    expect(new URL(environment.REDIS_URL ?? "").password).toBe("redis-pw-2");
    expect(environment.ADMIN_PASSWORD).toBe("admin-pw-3");
    expect(overridden.services.gateway?.ports?.[0]?.published).toBe("9443");
  });

  test("every image is built from a Dockerfile that exists, or is a pinned official image", () => {
    expect(imageProblems(model)).toEqual([]);
  });
});
