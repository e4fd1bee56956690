import { createTokenVerifier } from "@msa-board/service-kit/auth";
import { pingDatabase } from "@msa-board/service-kit/db";
import { createLogger } from "@msa-board/service-kit/logger";
import { createTestDatabase, type TestDatabase } from "@msa-board/service-kit/test-support";
import { sql } from "drizzle-orm";
import { type AppDeps, createApp } from "../app.ts";
import { createDatabaseClient, type DatabaseClient } from "../db/client.ts";
import { migrateUsersDatabase } from "../db/migrations.ts";
import type { RelayStatus } from "../events/outbox-relay.ts";
import { PrivateKeySealer } from "../keys/private-key-sealing.ts";
import { SigningKeyStore } from "../keys/signing-key-store.ts";
import { createTokenIssuer } from "../keys/token-issuer.ts";
import { DEFAULT_LOGIN_THROTTLE_POLICY, LoginThrottle, type LoginThrottlePolicy } from "../sessions/login-throttle.ts";
import { DEFAULT_REFRESH_TOKEN_POLICY, type RefreshTokenPolicy, RefreshTokens } from "../sessions/refresh-tokens.ts";
import { createPasswordHasher, type PasswordHasher } from "../users/passwords.ts";
import { testTracing } from "./tracing.ts";

export const ISSUER = "msa-board";
export const AUDIENCE = "msa-board";
export const TTL_SECONDS = 300;

/** A clock tests can move: `clock.offsetMs += 3_600_000` is an hour later for token checks. */
export type TestClock = { (): Date; offsetMs: number };

export function createTestClock(): TestClock {
  const clock = (() => new Date(Date.now() + clock.offsetMs)) as TestClock;
  clock.offsetMs = 0;
  return clock;
}

export type HarnessOptions = {
  prefix?: string;
  eventsRedis?: () => Promise<boolean>;
  relay?: () => RelayStatus;
  /** Build the app over this client instead of the suite's own (e.g. one pointing at a dead port). */
  appDatabase?: DatabaseClient;
  throttlePolicy?: LoginThrottlePolicy;
  refreshPolicy?: RefreshTokenPolicy;
};

// biome-ignore lint/suspicious/noExplicitAny: route tests assert on JSON bodies of many shapes
export type TestResponse = { status: number; headers: Headers; body: any; text: string };

export type Harness = Awaited<ReturnType<typeof createHarness>>;

/**
 * A real database (created for the suite, dropped by `close`), migrated, with a signing key, and the
 * app over it. Logs are captured so suites can assert on them.
 */
export async function createHarness(options: HarnessOptions = {}) {
  const database: TestDatabase = await createTestDatabase(options.prefix ?? "users_test");
  await migrateUsersDatabase(database.url);
  const client = createDatabaseClient(database.url, { max: 5 });
  const logs: string[] = [];
  const logger = createLogger({ service: "users", level: "debug", write: (line) => logs.push(line) });
  const clock = createTestClock();
  const passwords: PasswordHasher = createPasswordHasher();
  const keys = new SigningKeyStore({ db: client.db, tokenTtlSeconds: TTL_SECONDS, clock, sealer: new PrivateKeySealer(undefined) });
  await keys.ensureActiveKey();
  const appClient = options.appDatabase ?? client;

  const deps: AppDeps = {
    db: appClient.db,
    passwords,
    keys,
    issueToken: createTokenIssuer({ keys, issuer: ISSUER, audience: AUDIENCE, ttlSeconds: TTL_SECONDS, clock }),
    verifyToken: createTokenVerifier({ keys: keys.keyResolver, issuer: ISSUER, audience: AUDIENCE, clock }),
    health: {
      database: () => pingDatabase(appClient.sql, 500),
      eventsRedis: options.eventsRedis ?? (async () => true),
      ...(options.relay ? { relay: options.relay } : {}),
    },
    logger,
    tracer: testTracing.tracer,
    refreshTokens: new RefreshTokens({ db: appClient.db, policy: options.refreshPolicy ?? DEFAULT_REFRESH_TOKEN_POLICY, clock }),
    loginThrottle: new LoginThrottle({ db: appClient.db, policy: options.throttlePolicy ?? DEFAULT_LOGIN_THROTTLE_POLICY, clock }),
  };
  const app = createApp(deps);
  const responses: string[] = [];

  async function call(
    method: string,
    path: string,
    init: { json?: unknown; token?: string; headers?: Record<string, string>; body?: BodyInit } = {},
  ): Promise<TestResponse> {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] ??= "application/json";
    }
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    responses.push(`${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  let counter = 0;
  const uniqueEmail = (tag = "user") => `${tag}-${Date.now().toString(36)}-${++counter}@example.com`;

  /** Signs up and logs in a fresh user. */
  async function signUp(overrides: { email?: string; password?: string; name?: string } = {}) {
    const email = overrides.email ?? uniqueEmail();
    const password = overrides.password ?? `pw-${crypto.randomUUID()}`;
    const name = overrides.name ?? "Test User";
    const created = await call("POST", "/users", { json: { email, password, name } });
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${created.text}`);
    const login = await call("POST", "/login", { json: { email, password } });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
    return {
      id: created.body.id as string,
      email: created.body.email as string,
      password,
      name,
      token: login.body.accessToken as string,
      refreshToken: login.body.refreshToken as string,
    };
  }

  const outboxRows = () =>
    client.db.execute<{ id: string; type: string; data: Record<string, unknown>; traceparent: string | null; published_at: Date | null }>(
      sql`select id, type, data, traceparent, published_at from outbox order by occurred_at, id`,
    );

  return {
    app,
    deps,
    database,
    client,
    db: client.db,
    keys,
    passwords,
    clock,
    logs,
    responses,
    call,
    signUp,
    uniqueEmail,
    outboxRows,
    async close() {
      await client.close();
      await database.drop();
    },
  };
}
