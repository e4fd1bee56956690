import { createTracedDatabase, type TracedDatabase } from "@msa-board/service-kit/db";
import type { Tracer } from "@opentelemetry/api";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import * as schema from "./schema.ts";

export type Database = PostgresJsDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** Anything repositories can run statements on: the pool or an open transaction. */
export type Executor = Database | Transaction;

export type DatabaseClient = TracedDatabase<typeof schema>;

/** `searchPath`: the module's schema when it shares a database with other modules (the monolith shape). */
export function createDatabaseClient(url: string, options: { max?: number; tracer?: Tracer; searchPath?: string } = {}): DatabaseClient {
  return createTracedDatabase(url, { schema, applicationName: "postings", ...options });
}
