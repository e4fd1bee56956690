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
  tracer?: Tracer;
  /** Where unqualified table names resolve: the module's schema when modules share one database. */
  searchPath?: string;
};

/**
 * An idle PostgreSQL backend keeps 3–5 MiB (its caches of the catalogue and of prepared plans); a
 * burst opens the whole pool, and without a timeout the ten backends of each service stay for good —
 * 40–60 MiB of the stack's memory at rest after a load run. Closed after half a minute unused, they
 * come back on the next burst for a few ms each; under steady load none closes.
 */
export const IDLE_CONNECTION_SECONDS = 30;

/** One pool per service, named in pg_stat_activity, with every drizzle statement traced. */
export function createTracedDatabase<S extends Record<string, unknown>>(url: string, options: TracedDatabaseOptions<S>): TracedDatabase<S> {
  const sql = postgres(url, {
    max: options.max ?? 10,
    idle_timeout: options.idleTimeoutSeconds ?? IDLE_CONNECTION_SECONDS,
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
