import process from "node:process";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createTokenVerifier } from "@msa-board/service-kit/auth";
import { FaultInjector } from "@msa-board/service-kit/faults";
import { createLogger } from "@msa-board/service-kit/logger";
import { createTestTokens, type TokenClaims } from "@msa-board/service-kit/test-support/tokens";
import { startTracing } from "@msa-board/service-kit/tracing";
import type { JWTVerifyGetKey } from "jose";
import { type AppDeps, createApp } from "../app.ts";
import type { NoticesRedis } from "../notices/redis_client.ts";
import { type NoticesRepository, redisNoticesRepository } from "../notices/repository.ts";
import { connectTestRedis, deleteKeysUnder, uniqueKeyPrefix } from "./redis.ts";

export const ISSUER = "msa-board";
export const AUDIENCE = "msa-board";

export type LogRecord = { level: string; msg: string; traceId?: string; [key: string]: unknown };

export type HarnessOptions = {
  /** Keys the verifier trusts; a local key set holding the harness's signing key by default. */
  keys?: JWTVerifyGetKey;
  /** Wraps the real repository, e.g. to make it fail. */
  wrapRepository?: (repository: NoticesRepository) => NoticesRepository;
  clock?: () => Date;
  /** false: as with OTEL_SDK_DISABLED=true. */
  tracing?: boolean;
  /** Another Redis client than the test Redis (e.g. one pointing nowhere). */
  redis?: NoticesRedis;
  /** As with NOTICES_FAULTS=enabled: fault injection wired, its control token `faultToken`. */
  faults?: boolean;
  /** The clock a `cpu` assault burns: the process's CPU time (as main.ts) unless given. */
  cpuClock?: () => number;
};

export type RequestOptions = {
  token?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
};

// deno-lint-ignore no-explicit-any -- tests read arbitrary JSON bodies and assert on them
export type TestResponse = { status: number; headers: Headers; body: any; text: string };

/**
 * The real app on the real test Redis (a key prefix of its own), real Ed25519 tokens, spans in
 * memory and log lines captured. `await using` cleans the keys up and closes the client.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const redis = options.redis ?? await connectTestRedis();
  const keyPrefix = uniqueKeyPrefix();
  const tokens = await createTestTokens({ issuer: ISSUER, audience: AUDIENCE });
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ serviceName: "notices", exporter, enabled: options.tracing ?? true });
  const logs: LogRecord[] = [];
  const logger = createLogger({ service: "notices", level: "debug", write: (line) => logs.push(JSON.parse(line)) });
  const repository = redisNoticesRepository({ redis, tracer: tracing.tracer, keyPrefix });
  // The process's CPU time, as main.ts hands it in.
  const cpuTimeMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const faultToken = `fault-token-${crypto.randomUUID()}`;
  const faults = options.faults
    ? new FaultInjector({
      module: "notices",
      controlToken: faultToken,
      logger,
      cpuTimeMs: options.cpuClock ?? cpuTimeMs,
    })
    : undefined;
  const deps: AppDeps = {
    notices: options.wrapRepository ? options.wrapRepository(repository) : repository,
    verifyToken: createTokenVerifier({
      keys: options.keys ?? tokens.keys,
      issuer: ISSUER,
      audience: AUDIENCE,
    }),
    clock: options.clock ?? (() => new Date()),
    newId: () => crypto.randomUUID(),
    logger,
    tracer: tracing.tracer,
    ...(faults ? { faults } : {}),
  };
  const app: OpenAPIHono = createApp(deps);

  const request = async (method: string, path: string, init: RequestOptions = {}): Promise<TestResponse> => {
    const headers = new Headers(init.headers);
    if (init.token !== undefined) headers.set("authorization", `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch { /* not JSON: callers look at text */ }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };

  return {
    app,
    redis,
    keyPrefix,
    repository,
    tokens,
    exporter,
    logs,
    request,
    faults,
    faultToken,
    adminToken: (claims: Partial<TokenClaims> = {}) =>
      tokens.sign({ sub: crypto.randomUUID(), role: "admin", name: "Test Admin", ...claims }),
    userToken: (claims: Partial<TokenClaims> = {}) =>
      tokens.sign({ sub: crypto.randomUUID(), role: "user", name: "Test User", ...claims }),
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    async [Symbol.asyncDispose]() {
      await tracing.shutdown();
      if (redis.isReady) await deleteKeysUnder(redis, keyPrefix);
      if (redis.isOpen) await redis.close();
    },
  };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Creates a notice through the API as an admin and returns it. */
export async function createNotice(h: Harness, title = "Maintenance", body = "Sunday 02:00 UTC") {
  const res = await h.request("POST", "/notice", { token: await h.adminToken(), json: { title, body } });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  return res.body as { id: string; title: string; body: string; createdAt: string; updatedAt: string };
}

export const PROBLEM_TYPE = (code: string) => `https://msa-board.dev/problems/${code}`;
