import type { Tracer } from "@opentelemetry/api";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { instrumentPostgres } from "../tracing/postgres.ts";

export type TracedDatabase<S extends Record<string, unknown>> = {
  /** The raw pool: LISTEN, pings, EXPLAIN in tests, closing. Its statements are not traced. */
  sql: postgres.Sql;
  /** drizzle over the traced pool: every statement is a child span of the active span. */
  db: PostgresJsDatabase<S>;
  close: () => Promise<void>;
};

export type TracedDatabaseOptions<S> = {
  schema: S;
  applicationName: string;
  max?: number;
  /** Seconds a pooled connection may sit unused before it closes (see IDLE_CONNECTION_SECONDS). */
  idleTimeoutSeconds?: number;
  /** Seconds a pooled connection lives before it closes after its current query (see CONNECTION_LIFETIME_SECONDS). */
  lifetimeSeconds?: number;
  tracer?: Tracer;
  /** Where unqualified table names resolve: the module's schema when modules share one database. */
  searchPath?: string;
};

/**
 * An idle PostgreSQL backend keeps 3–5 MiB (its caches of the catalogue and of prepared plans); a
 * burst opens the whole pool, and the ten backends of each service would stay for good — 40–60 MiB
 * of the stack's memory at rest after a load run. An idle timeout alone never closes them in a
 * running service: postgres.js hands each query the longest-idle open connection, so the periodic
 * queries (the outbox relay's poll every second, health checks) touch every open connection in
 * turn (measured: all ten still open after ten quiet minutes). A bounded lifetime does: a connection
 * ends after its query once its lifetime is up, and postgres.js opens one again only when no open
 * connection is free — so at rest the pool shrinks to what the pollers need (one), and under load
 * it stays full and pays one reconnect per connection per lifetime (a few ms of CPU each).
 */
export const IDLE_CONNECTION_SECONDS = 30;
export const CONNECTION_LIFETIME_SECONDS = 30;

/** One pool per service, named in pg_stat_activity, with every drizzle statement traced. */
export function createTracedDatabase<S extends Record<string, unknown>>(url: string, options: TracedDatabaseOptions<S>): TracedDatabase<S> {
  const sql = postgres(url, {
    max: options.max ?? 10,
    idle_timeout: options.idleTimeoutSeconds ?? IDLE_CONNECTION_SECONDS,
    max_lifetime: options.lifetimeSeconds ?? CONNECTION_LIFETIME_SECONDS,
    onnotice: () => {},
    connect_timeout: 5,
    connection: {
      application_name: options.applicationName,
      ...(options.searchPath ? { search_path: options.searchPath } : {}),
    },
  });
  const parsed = new URL(url);
  const traced = instrumentPostgres(sql, {
    dbName: decodeURIComponent(parsed.pathname.slice(1)),
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    ...(options.tracer ? { tracer: options.tracer } : {}),
  });
  return { sql, db: drizzle(traced, { schema: options.schema }), close: () => sql.end({ timeout: 5 }) };
}
