import { fileURLToPath } from "node:url";
import { migrateDatabase } from "@msa-board/service-kit/db";

/** The generated SQL migrations shipped beside the code (drizzle/). */
export const migrationsFolder = fileURLToPath(new URL("../../drizzle", import.meta.url));

/** Advisory lock key for this service's migrations ("users" in ASCII). */
const MIGRATION_LOCK_KEY = 0x7573_6572;

/** `schema`: the module's own schema when it shares a database with other modules (the monolith shape). */
export const migrateUsersDatabase = (url: string, options: { schema?: string } = {}) =>
  migrateDatabase({ url, migrationsFolder, lockKey: MIGRATION_LOCK_KEY, ...options });
