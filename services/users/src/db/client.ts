import { instrumentPostgres } from "@msa-board/service-kit/tracing";
import type { Tracer } from "@opentelemetry/api";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema.ts";

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything repositories can run statements on: the pool or an open transaction. */
export type Executor = Database | Transaction;

export type DatabaseClient = {
  /** The raw pool: LISTEN, pings and closing. Its statements are not traced. */
  sql: postgres.Sql;
  /** drizzle over the traced pool: every statement is a child span of the active span. */
  db: Database;
  close: () => Promise<void>;
};

export function createDatabaseClient(url: string, options: { max?: number; tracer?: Tracer } = {}): DatabaseClient {
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => {}, connection: { application_name: "users" } });
  const parsed = new URL(url);
  const traced = instrumentPostgres(sql, {
    dbName: parsed.pathname.slice(1),
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    ...(options.tracer ? { tracer: options.tracer } : {}),
  });
  return { sql, db: drizzle(traced, { schema }), close: () => sql.end({ timeout: 5 }) };
}
