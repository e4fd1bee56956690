import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export type MigrateOptions = {
  url: string;
  migrationsFolder: string;
  /** Any stable number per service; two instances starting at once queue on it. */
  lockKey: number;
  /**
   * A database shared by several modules (the monolith shape) gives each its own schema: the
   * module's tables and its migration journal go there, so two modules' migrations never mix.
   * Unset: the database's default (`public`), with drizzle's journal in schema `drizzle`.
   */
  schema?: string;
};

/**
 * Applies the generated SQL migrations under a session advisory lock on one connection, so two
 * replicas starting together never race on the same DDL.
 */
export async function migrateDatabase({ url, migrationsFolder, lockKey, schema }: MigrateOptions): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, ...(schema ? { connection: { search_path: schema } } : {}) });
  try {
    await sql`select pg_advisory_lock(${lockKey})`;
    try {
      if (schema) await sql`create schema if not exists ${sql(schema)}`;
      await migrate(drizzle(sql), { migrationsFolder, ...(schema ? { migrationsSchema: schema } : {}) });
    } finally {
      await sql`select pg_advisory_unlock(${lockKey})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
