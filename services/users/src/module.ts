/**
 * What a host process needs to run users as one of its modules (the monolith shape): the same app,
 * its store and keys, and the event publisher port. src/main.ts is the service's own host.
 */
export { type AppDeps, createApp } from "./app.ts";
export { type Config as UsersConfig, checkUsersConfig, configSchema as usersConfigSchema } from "./config.ts";
export { createDatabaseClient, type DatabaseClient, type Transaction } from "./db/client.ts";
export { migrateUsersDatabase } from "./db/migrations.ts";
export type { PendingEvent } from "./events/envelope.ts";
export { type EventPublisher, outboxPublisher } from "./events/publisher.ts";
export { createSessionParts, createSigningParts, type HostSettings, prepareToSign, type SigningParts } from "./host-wiring.ts";
