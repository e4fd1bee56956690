import { createTokenVerifier, remoteKeySet, type TokenVerifier } from "@msa-board/service-kit/auth";
import { pingDatabase } from "@msa-board/service-kit/db";
import type { TestTokens } from "@msa-board/service-kit/test-support/tokens";
import type { Sql } from "postgres";

/** What the rules need of an app: Hono's in-process `request`. */
export type App = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/**
 * One service under test: its real app on the test stack's real stores, the keys it trusts, and
 * the same app rebuilt with a part of the world taken away.
 */
export type Target = {
  name: "users" | "postings" | "notices";
  app: App;
  /** Signs tokens with a key the app trusts. */
  tokens: TestTokens;
  /** A live caller of the role the protected routes need, and a token of theirs. */
  caller: { sub: string; role: "user" | "admin"; name: string; token: string };
  /** A body each write operation accepts, keyed `METHOD /path/{template}`. */
  validBodies: Record<string, Record<string, unknown>>;
  /** The same app, but the keys that verify tokens cannot be fetched (the JWKS endpoint refuses connections). */
  keysUnreachable: () => App;
  /** The same app over its store at an address that refuses connections. */
  storeDown: () => Promise<App & { close: () => Promise<void> }>;
  close: () => Promise<void>;
};

/** An address nothing listens on: a port taken and released again. */
export async function refusedUrl(scheme: string, path = ""): Promise<string> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = server.port;
  await server.stop(true);
  return `${scheme}://127.0.0.1:${port}${path}`;
}

/** A verifier whose key set is at an address that refuses connections. */
export async function unreachableKeysVerifier(): Promise<TokenVerifier> {
  const url = await refusedUrl("http", "/.well-known/jwks.json");
  return createTokenVerifier({ keys: remoteKeySet(url, { timeoutMs: 500 }), issuer: "msa-board", audience: "msa-board" });
}

type DatabaseDeps<Db> = { db: Db; health: { database: () => Promise<boolean> } };

/** A service's app rebuilt over a database at an address that refuses connections, health wired as main.ts does. */
export async function overDeadDatabase<Db, D extends DatabaseDeps<Db>>(
  deps: D,
  connect: (url: string, options: { max: number }) => { db: Db; sql: Sql; close: () => Promise<void> },
  build: (deps: D) => App,
  database: string,
): Promise<App & { close: () => Promise<void> }> {
  const dead = connect(await refusedUrl("postgres", `/${database}`), { max: 1 });
  const app = build({ ...deps, db: dead.db, health: { ...deps.health, database: () => pingDatabase(dead.sql, 500) } });
  return { request: app.request, close: dead.close };
}
