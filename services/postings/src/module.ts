/**
 * What a host process needs to run postings as one of its modules (the monolith shape): the same
 * app, its store, and its reactions to users' events as plain functions on a transaction.
 * src/main.ts is the service's own host.
 */
export { type AppDeps, createApp } from "./app.ts";
export { type Config as PostingsConfig, checkPostingsConfig, configSchema as postingsConfigSchema, DEV_CURSOR_SECRET } from "./config.ts";
export { createDatabaseClient, type DatabaseClient, type Transaction } from "./db/client.ts";
export { migratePostingsDatabase } from "./db/migrations.ts";
export { type EventHandler, type EventHandlers, type HandledEvent, userEventHandlers } from "./events/event-handlers.ts";
export { createCursorCodec } from "./pagination/cursor.ts";
