import { createTokenVerifier, type TokenVerifier } from "@msa-board/service-kit/auth";
import { pingDatabase } from "@msa-board/service-kit/db";
import { createLogger } from "@msa-board/service-kit/logger";
import { createTestDatabase, createTestTokens, type TestDatabase } from "@msa-board/service-kit/test-support";
import { sql } from "drizzle-orm";
import { type AppDeps, createApp } from "../app.ts";
import { createDatabaseClient, type DatabaseClient } from "../db/client.ts";
import { migratePostingsDatabase } from "../db/migrations.ts";
import { createCursorCodec } from "../pagination/cursor.ts";
import { testTracing } from "./tracing.ts";

export const ISSUER = "msa-board";
export const AUDIENCE = "msa-board";
export const CURSOR_SECRET = "test-cursor-secret-0123456789";

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely and assert on their shape
export type TestResponse = { status: number; headers: Headers; body: any; text: string };

export type HarnessOptions = {
  prefix?: string;
  health?: Partial<AppDeps["health"]>;
  /** Build the app over this client instead of the suite's own (e.g. one pointing at a dead port). */
  appDatabase?: DatabaseClient;
  /** Verify tokens with this instead of the suite's local key set (e.g. a remote JWKS). */
  verifyToken?: TokenVerifier;
};

export type Harness = Awaited<ReturnType<typeof createHarness>>;

/** A user as the tests see one: an id, a name and a signed access token. */
export type TestUser = { id: string; name: string; role: "user" | "admin"; token: string };

/**
 * A real database (created for the suite, dropped by `close`), migrated, and the app over it with a
 * local key set. Logs are captured so suites can assert on them.
 */
export async function createHarness(options: HarnessOptions = {}) {
  const database: TestDatabase = await createTestDatabase(options.prefix ?? "postings_test");
  await migratePostingsDatabase(database.url);
  const client = createDatabaseClient(database.url, { max: 5, tracer: testTracing.tracer });
  const logs: string[] = [];
  const logger = createLogger({ service: "postings", level: "debug", write: (line) => logs.push(line) });
  const tokens = await createTestTokens({ issuer: ISSUER, audience: AUDIENCE });
  const appClient = options.appDatabase ?? client;
  const cursors = createCursorCodec(CURSOR_SECRET);

  const deps: AppDeps = {
    db: appClient.db,
    cursors,
    verifyToken: options.verifyToken ?? createTokenVerifier({ keys: tokens.keys, issuer: ISSUER, audience: AUDIENCE }),
    health: {
      database: () => pingDatabase(appClient.sql, 500),
      eventsRedis: async () => true,
      ...options.health,
    },
    logger,
    tracer: testTracing.tracer,
  };
  const app = createApp(deps);

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
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {}
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  let counter = 0;
  async function user(name = `User ${++counter}`, role: "user" | "admin" = "user"): Promise<TestUser> {
    const id = crypto.randomUUID();
    return { id, name, role, token: await tokens.sign({ sub: id, name, role }) };
  }

  async function post(author: TestUser, fields: { title?: string; body?: string } = {}) {
    const res = await call("POST", "/postings", {
      token: author.token,
      json: { title: fields.title ?? `title ${++counter}`, body: fields.body ?? "body" },
    });
    if (res.status !== 201) throw new Error(`post failed: ${res.status} ${res.text}`);
    return res.body as {
      id: string;
      title: string;
      body: string;
      authorId: string;
      authorName: string;
      createdAt: string;
      updatedAt: string;
    };
  }

  /** Inserts rows directly (fast, and with chosen timestamps): `count` postings by one author. */
  async function insertRows(rows: Array<{ id?: string; createdAt: Date; authorId?: string; authorName?: string; title?: string }>) {
    for (let i = 0; i < rows.length; i += 1_000) {
      const chunk = rows.slice(i, i + 1_000).map((r, j) => ({
        id: r.id ?? Bun.randomUUIDv7(),
        title: r.title ?? `row ${i + j}`,
        body: "b",
        author_id: r.authorId ?? "seed-author",
        author_name: r.authorName ?? "Seed Author",
        // drizzle makes this client pass timestamps through as text, in and out.
        created_at: r.createdAt.toISOString(),
        updated_at: r.createdAt.toISOString(),
      }));
      await client.sql`insert into postings ${client.sql(chunk)}`;
    }
  }

  const count = async (table: "postings" | "authors" | "processed_events") =>
    (await client.db.execute<{ n: number }>(sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]?.n ?? 0;

  return {
    app,
    deps,
    database,
    client,
    db: client.db,
    cursors,
    tokens,
    logs,
    call,
    user,
    post,
    insertRows,
    count,
    async close() {
      await client.close();
      await database.drop();
    },
  };
}
