export { instrumentPostgres, type PostgresTracingOptions } from "../tracing/postgres.ts";
export { type MigrateOptions, migrateDatabase } from "./migrate.ts";
export { pingDatabase } from "./ping.ts";
export { redactDatabaseError, safeError, safeErrorMessage } from "./safe-error.ts";
export { createTracedDatabase, type TracedDatabase, type TracedDatabaseOptions } from "./traced-database.ts";
