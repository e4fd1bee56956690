import { join, resolve } from "node:path";
import { DEFAULT_CONCURRENCY } from "@msa-board/gateway/command";
import { freePorts, type Ports, portsFromEnv } from "./ports.ts";
import type { Shape, UnitName } from "./shapes.ts";

/**
 * HSTS of the native HTTPS door. Browsers apply HSTS to a host name on every port, so a long value
 * learnt from https://localhost:8443 would also force https on the plain http://localhost:8080 for
 * a year: locally it is short. Containers send a year (gateway/src/options.ts).
 */
export const NATIVE_HSTS_MAX_AGE_SECONDS = 300;

function wholeNumberFromEnv(env: Record<string, string | undefined>, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name}=${raw}: give a whole number from 0 to ${max}`);
  return n;
}

/** Envoy needs at least one worker thread: 0 is refused rather than quietly made 1. */
function workerThreadsFromEnv(env: Record<string, string | undefined>): number {
  const n = wholeNumberFromEnv(env, "GATEWAY_CONCURRENCY", DEFAULT_CONCURRENCY, 256);
  if (n < 1) throw new Error(`GATEWAY_CONCURRENCY=${env.GATEWAY_CONCURRENCY}: give a whole number from 1 to 256`);
  return n;
}

function gatewayFromEnv(env: Record<string, string | undefined>): StackConfig["gateway"] {
  return {
    trustedProxyHops: wholeNumberFromEnv(env, "GATEWAY_TRUSTED_PROXY_HOPS", 0, 10),
    hstsMaxAgeSeconds: wholeNumberFromEnv(env, "GATEWAY_HSTS_MAX_AGE", NATIVE_HSTS_MAX_AGE_SECONDS, 63_072_000),
    traceSamplePercent: wholeNumberFromEnv(env, "GATEWAY_TRACE_SAMPLE_PERCENT", 100, 100),
    concurrency: workerThreadsFromEnv(env),
  };
}

export type StackMode = "dev" | "test";
/** The processes behind the gateway: the three API services and the web front end. */
export type ServiceName = "users" | "postings" | "notices" | "web";

export type StackConfig = {
  mode: StackMode;
  /** Microservices (a process per module) or the monolith (one process hosting them all). */
  shape: Shape;
  root: string;
  /** Everything that persists: databases, Redis AOF, Jaeger's Badger store. */
  dataDir: string;
  /** One log file per process. */
  logDir: string;
  /** Generated configs (Envoy, EDS files) and `stack.json`, rewritten every start. */
  runDir: string;
  /** The gateway's local CA and HTTPS certificate: made on first start, kept across starts. */
  tlsDir: string;
  gateway: {
    /** Proxies in front that append to x-forwarded-for (GATEWAY_TRUSTED_PROXY_HOPS); 0 at the edge. */
    trustedProxyHops: number;
    /** HSTS on the HTTPS door (GATEWAY_HSTS_MAX_AGE). */
    hstsMaxAgeSeconds: number;
    /**
     * Share of requests the gateway starts a trace for (GATEWAY_TRACE_SAMPLE_PERCENT, 0–100).
     * 100 by default: every request's trace is there to look at; lower trades that for CPU
     * (the services follow the gateway's decision).
     */
    traceSamplePercent: number;
    /**
     * Envoy's worker threads (GATEWAY_CONCURRENCY, default 1): the native stack shares its cores
     * with every service, and one worker costs less CPU per request there (gateway/README.md).
     * Raise it when the gateway has cores of its own.
     */
    concurrency: number;
  };
  ports: Ports;
  replicas: Record<UnitName, number>;
  admin: { email: string; password: string };
  postgresSuperuserPassword: string;
  tracing: boolean;
  /** Put Toxiproxy between each service and each of its stores (the test stack and the soak). */
  faultProxy: boolean;
  /**
   * Opt-in fault injection inside notices (`NOTICES_FAULTS=enabled`, its control route guarded by
   * the control token): only `npm start -- --faults` and the bench's isolation runs; never by default.
   */
  faultInjection: boolean;
  /** Print every process's output, name-prefixed, on the console. */
  echo: boolean;
};

export const repoRoot = resolve(import.meta.dir, "..", "..");

/** Documented development defaults; `npm test` makes up its own. Never use these in production. */
export const DEV_ADMIN = { email: "admin@msa-board.local", password: "admin-password-change-me" };

function replicasFromEnv(env: Record<string, string | undefined>): Record<UnitName, number> {
  const read = (name: string) => {
    const raw = env[name];
    if (raw === undefined) return 1;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`${name}=${raw}: give a whole number from 1 to 8`);
    return n;
  };
  return {
    users: read("USERS_REPLICAS"),
    postings: read("POSTINGS_REPLICAS"),
    notices: read("NOTICES_REPLICAS"),
    monolith: read("MONOLITH_REPLICAS"),
    web: read("WEB_REPLICAS"),
  };
}

export function devConfig(options: { dataDir?: string; env?: Record<string, string | undefined>; shape?: Shape } = {}): StackConfig {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? env.MSA_BOARD_DATA ?? join(repoRoot, ".data"));
  return {
    mode: "dev",
    shape: options.shape ?? "microservices",
    root: repoRoot,
    dataDir,
    logDir: join(dataDir, "logs"),
    runDir: join(dataDir, "run"),
    tlsDir: join(dataDir, "tls"),
    gateway: gatewayFromEnv(env),
    ports: portsFromEnv(env),
    replicas: replicasFromEnv(env),
    admin: { email: env.ADMIN_EMAIL ?? DEV_ADMIN.email, password: env.ADMIN_PASSWORD ?? DEV_ADMIN.password },
    postgresSuperuserPassword: env.POSTGRES_SUPERUSER_PASSWORD ?? "postgres",
    tracing: env.OTEL_SDK_DISABLED !== "true",
    faultProxy: false,
    faultInjection: false,
    echo: true,
  };
}

/** A throw-away stack on free ports in a temporary folder, so tests run beside `npm start`. */
export async function testConfig(
  dataDir: string,
  env: Record<string, string | undefined> = process.env,
  shape: Shape = "microservices",
): Promise<StackConfig> {
  return {
    mode: "test",
    shape,
    root: repoRoot,
    dataDir,
    logDir: join(dataDir, "logs"),
    runDir: join(dataDir, "run"),
    tlsDir: join(dataDir, "tls"),
    gateway: {
      trustedProxyHops: 0,
      hstsMaxAgeSeconds: NATIVE_HSTS_MAX_AGE_SECONDS,
      traceSamplePercent: 100,
      concurrency: DEFAULT_CONCURRENCY,
    },
    ports: await freePorts(),
    replicas: replicasFromEnv(env),
    admin: { email: "admin@test.msa-board.local", password: `admin-${crypto.randomUUID()}` },
    postgresSuperuserPassword: `pg-${crypto.randomUUID()}`,
    tracing: true,
    faultProxy: false,
    faultInjection: false,
    echo: false,
  };
}
