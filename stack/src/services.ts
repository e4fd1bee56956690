import { join } from "node:path";
import { denoTaskCommand } from "./deno-task.ts";
import type { StoreName } from "./infra/fault-proxy.ts";
import { type RedisService, serviceRedisUrl } from "./infra/redis-acl.ts";
import type { UnitName } from "./shapes.ts";
import type { Stack } from "./stack.ts";
import { httpHealth } from "./supervisor/health.ts";
import type { ProcessSpec } from "./supervisor/managed-process.ts";

/** One process of a unit (a service, or the monolith), on its own port. */
export type ServiceInstance = { service: UnitName; name: string; port: number };

/** `/healthz` answers 200 when the service can serve (also when degraded); anything else is down. */
const healthOf = (port: number) => httpHealth(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 2_000 });
/** `/livez` answers 503 only when a background loop is stuck: then the supervisor restarts the process. */
const livenessOf = (port: number) => httpHealth(`http://127.0.0.1:${port}/livez`, { timeoutMs: 2_000 });

/** The environment each service reads (ARCHITECTURE.md lists every variable). */
export function serviceEnv(stack: Stack, instance: ServiceInstance): Record<string, string> {
  const { config } = stack;
  const { ports } = config;
  const common = {
    HOST: "127.0.0.1",
    PORT: String(instance.port),
    JWT_ISSUER: "msa-board",
    JWT_AUDIENCE: "msa-board",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${ports.otlpHttp}`,
    OTEL_SDK_DISABLED: config.tracing ? "false" : "true",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
    INSTANCE_NAME: instance.name,
  };
  // Through the service's own fault proxy link in the test stack, straight to the store otherwise.
  const store = (name: StoreName) => stack.storePort(instance.service, name);
  const linkPorts = { ...ports, redisNotices: store("redis-notices"), redisEvents: store("redis-events") };
  // Each service is its own Redis user (infra/redis-acl.ts), with this run's password.
  const redisUrl = (service: RedisService) => serviceRedisUrl(linkPorts, stack.secrets.redisServices, service);
  // Through the gateway: it always knows the live users instances, also mid-roll.
  const jwksUrl = `http://127.0.0.1:${ports.gateway}/.well-known/jwks.json`;
  // Only when asked for (`npm start -- --faults`, the bench's isolation runs): the module's assaults and their control route.
  const noticesFaults: Record<string, string> = config.faultInjection
    ? { NOTICES_FAULTS: "enabled", FAULTS_CONTROL_TOKEN: stack.secrets.controlToken }
    : {};
  switch (instance.service) {
    case "users":
      return {
        ...common,
        DATABASE_URL: `postgres://users:users@127.0.0.1:${store("postgres")}/users`,
        EVENTS_REDIS_URL: redisUrl("users"),
        ADMIN_EMAIL: config.admin.email,
        ADMIN_PASSWORD: config.admin.password,
      };
    case "postings":
      return {
        ...common,
        DATABASE_URL: `postgres://postings:postings@127.0.0.1:${store("postgres")}/postings`,
        EVENTS_REDIS_URL: redisUrl("postings"),
        JWKS_URL: jwksUrl,
        CONSUMER_NAME: instance.name,
      };
    case "notices":
      return { ...common, REDIS_URL: redisUrl("notices"), JWKS_URL: jwksUrl, ...noticesFaults };
    case "monolith":
      // One database (a schema per module), notices' Redis, no events Redis: events stay in-process.
      return {
        ...common,
        MODULES: "users,postings,notices",
        DATABASE_URL: `postgres://monolith:monolith@127.0.0.1:${ports.postgres}/monolith`,
        // The notices module's keys, as notices' own Redis user.
        REDIS_URL: redisUrl("notices"),
        ADMIN_EMAIL: config.admin.email,
        ADMIN_PASSWORD: config.admin.password,
        ...noticesFaults,
      };
    case "web":
      // users through the gateway, like the JWKS: it knows the live users instances in either shape.
      return { ...common, USERS_URL: `http://127.0.0.1:${ports.gateway}`, JAEGER_QUERY_URL: `http://127.0.0.1:${ports.jaegerQuery}` };
  }
}

export function serviceCommand(stack: Stack, service: UnitName): string[] {
  if (service === "notices") return denoTaskCommand(stack.tools.deno, unitDir(stack.config.root, service));
  return [stack.tools.bun, "run", "src/main.ts"];
}

/** Where a unit's code lives: a service folder, or the monolith's host. */
const unitDir = (root: string, unit: UnitName) => (unit === "monolith" || unit === "web" ? join(root, unit) : join(root, "services", unit));

export function serviceSpec(stack: Stack, instance: ServiceInstance): ProcessSpec {
  const { config } = stack;
  return {
    name: instance.name,
    command: serviceCommand(stack, instance.service),
    cwd: unitDir(config.root, instance.service),
    env: { ...serviceEnv(stack, instance), ...denoEnv(stack) },
    health: healthOf(instance.port),
    liveness: livenessOf(instance.port),
    address: `http://127.0.0.1:${instance.port}`,
    stopTimeoutMs: 15_000,
    startTimeoutMs: 90_000,
    supervise: true,
  };
}

function denoEnv(stack: Stack): Record<string, string> {
  return { DENO_DIR: stack.tools.denoDir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
}
