export { type MigrateOptions, migrateDatabase } from "./migrate.ts";
export { pingDatabase } from "./ping.ts";
