import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

export type MigrateOptions = {
  url: string;
  migrationsFolder: string;
  /** Any stable number per service; two instances starting at once queue on it. */
  lockKey: number;
};

/**
 * Applies the generated SQL migrations under a session advisory lock on one connection, so two
 * replicas starting together never race on the same DDL.
 */
export async function migrateDatabase({ url, migrationsFolder, lockKey }: MigrateOptions): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${lockKey})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${lockKey})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
