import { readFileSync } from "node:fs";
import { join } from "node:path";
import { renderEnvoyConfig } from "@msa-board/gateway";
import { containerGatewayOptions, containerMonolithGatewayOptions, type GatewayOptions } from "@msa-board/gateway/options";
import { configSchema as monolithConfig } from "@msa-board/monolith/config";
import { DEV_CURSOR_SECRET, configSchema as postingsConfig } from "@msa-board/postings/config";
import type { Stack } from "@msa-board/stack";
import { DEV_ADMIN, devConfig, repoRoot, type ServiceName } from "@msa-board/stack/config";
import { DEV_REDIS_PASSWORDS } from "@msa-board/stack/infra/redis-acl";
import { defaultPorts } from "@msa-board/stack/ports";
import { serviceEnv } from "@msa-board/stack/services";
import { type Shape, type UnitName, unitsOf } from "@msa-board/stack/shapes";
import stackVersions from "@msa-board/stack/versions.json";
import { configSchema as usersConfig } from "@msa-board/users/config";
import { DEV_CSRF_SECRET, configSchema as webConfig } from "@msa-board/web/config";
import deployVersions from "../versions.json";

/**
 * The facts the native stack runs on, read from the code that runs it, so compose and Kubernetes
 * are checked against the same source instead of a third hand-kept copy.
 */

export const SERVICES: ServiceName[] = ["users", "postings", "notices", "web"];

/** The processes of each shape, as `npm start [-- --shape monolith]` runs them (stack/src/shapes.ts). */
export const unitNames = (shape: Shape): UnitName[] => unitsOf(shape).map((unit) => unit.name);

export type { Shape, UnitName };

export { DEV_ADMIN, DEV_CSRF_SECRET, DEV_CURSOR_SECRET, defaultPorts, deployVersions, repoRoot, stackVersions };

export const fromRoot = (...path: string[]) => join(repoRoot, ...path);

/** Every service answers `GET /healthz` (ARCHITECTURE.md); the gateway health-checks the same path. */
export const HEALTH_PATH = "/healthz";
/** Liveness: 503 only when a background loop is stuck; never for a store outage (that is readiness). */
export const LIVENESS_PATH = "/livez";

/** SHUTDOWN_TIMEOUT_MS default of every service (ARCHITECTURE.md): the drain a grace period must cover. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * The environment `npm start` gives one instance of each service (stack/src/services.ts), with
 * its defaults: this shell's overrides (ADMIN_*, LOG_LEVEL, ports) are not facts of the system.
 */
export function nativeServiceEnv(service: UnitName): Record<string, string> {
  // The documented development Redis passwords stand in for the ones a native run makes up.
  const config = devConfig({ env: {} });
  // `npm start` has no fault proxy: every store link is the store's own port.
  const direct = { postgres: config.ports.postgres, "redis-notices": config.ports.redisNotices, "redis-events": config.ports.redisEvents };
  const stack = {
    config,
    secrets: { redisServices: DEV_REDIS_PASSWORDS.services },
    storePort: (_service: string, store: keyof typeof direct) => direct[store],
  } as unknown as Stack;
  const logLevel = process.env.LOG_LEVEL;
  delete process.env.LOG_LEVEL;
  try {
    return serviceEnv(stack, { service, name: service, port: defaultPorts[service] });
  } finally {
    if (logLevel !== undefined) process.env.LOG_LEVEL = logLevel;
  }
}

/**
 * Names the native stack derives per process (they must differ between instances): containers
 * take them from the pod name (Kubernetes) or leave them to the service's hostname default (compose).
 */
export const PER_INSTANCE_ENV = new Set(["INSTANCE_NAME", "CONSUMER_NAME"]);

/** Every variable a process reads: its zod schema (users, postings, web, the monolith) or Deno's `--allow-env` list (notices). */
export function readableEnv(service: UnitName): (name: string) => boolean {
  if (service === "monolith") return (name) => name in monolithConfig.shape;
  if (service === "users") return (name) => name in usersConfig.shape;
  if (service === "postings") return (name) => name in postingsConfig.shape;
  if (service === "web") return (name) => name in webConfig.shape;
  const deno = JSON.parse(readFileSync(fromRoot("services", "notices", "deno.json"), "utf8")) as { tasks: { start: { command: string } } };
  const allowed = /--allow-env=(\S+)/.exec(deno.tasks.start.command)?.[1];
  if (!allowed) throw new Error("services/notices/deno.json: the start task has no --allow-env list");
  const patterns = allowed.split(",").map((p) => p.replaceAll("'", ""));
  return (name) => patterns.some((p) => (p.endsWith("*") ? name.startsWith(p.slice(0, -1)) : name === p));
}

/** The gateway options containers run for each shape (gateway/envoy.yaml, gateway/envoy.monolith.yaml). */
export const containerGatewayOptionsOf = (shape: Shape): GatewayOptions =>
  shape === "monolith" ? containerMonolithGatewayOptions() : containerGatewayOptions();

/** The Envoy bootstrap containers run: the gateway's own renderer with the container options. */
export const containerEnvoyConfig = (shape: Shape = "microservices") => renderEnvoyConfig(containerGatewayOptionsOf(shape));

/** Service names and ports Envoy's container config resolves by DNS: compose and Kubernetes must answer them. */
export function envoyUpstreams(shape: Shape = "microservices"): Array<{ cluster: string; host: string; port: number }> {
  const options = containerGatewayOptionsOf(shape);
  const upstreams = SERVICES.map((service) => {
    const endpoints = options.upstreams[service];
    if (endpoints.kind !== "dns") throw new Error(`containerGatewayOptions: ${service} is not reached by DNS`);
    return { cluster: service, host: endpoints.host, port: endpoints.port };
  });
  return options.otlp ? [...upstreams, { cluster: "otlp", host: options.otlp.host, port: options.otlp.port }] : upstreams;
}

/** The public listener of the container gateway. */
export const gatewayListenPort = (): number => {
  const { tls } = containerGatewayOptions();
  if (!tls) throw new Error("containerGatewayOptions: containers serve TLS");
  return tls.port;
};
