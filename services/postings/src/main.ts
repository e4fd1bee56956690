import { createTokenVerifier, remoteKeySet } from "@msa-board/service-kit/auth";
import { bootstrap } from "@msa-board/service-kit/bootstrap";
import { pingDatabase } from "@msa-board/service-kit/db";
import { closeEventsRedis, createEventsRedis, pingEventsRedis } from "@msa-board/service-kit/events";
import { Liveness } from "@msa-board/service-kit/liveness";
import { serveGracefully } from "@msa-board/service-kit/serve";
import { waitFor } from "@msa-board/service-kit/startup";
import { createApp } from "./app.ts";
import { DEV_CURSOR_SECRET, loadConfig } from "./config.ts";
import { createDatabaseClient } from "./db/client.ts";
import { migratePostingsDatabase } from "./db/migrations.ts";
import { EventConsumer } from "./events/event-consumer.ts";
import { userEventHandlers, userEventsBatch } from "./events/event-handlers.ts";
import { StreamTrimmer } from "./events/stream-trimmer.ts";
import { createCursorCodec } from "./pagination/cursor.ts";

const { config, logger, tracing } = bootstrap("postings", loadConfig);
if (config.CURSOR_SECRET === undefined) {
  logger.warn("CURSOR_SECRET is not set; using the public development default (set it in any shared deployment)");
}

try {
  await waitFor("database migrations", () => migratePostingsDatabase(config.DATABASE_URL), { logger, timeoutMs: 60_000 });
} catch (err) {
  logger.error("cannot migrate the postings database; exiting", { err: (err as Error).message });
  process.exit(1);
}

const database = createDatabaseClient(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, tracer: tracing.tracer });
const eventsRedis = createEventsRedis(config.EVENTS_REDIS_URL, logger);
const liveness = new Liveness();

const consumer = new EventConsumer({
  redis: eventsRedis,
  redisUrl: config.EVENTS_REDIS_URL,
  db: database.db,
  handlers: userEventHandlers,
  batch: userEventsBatch,
  stream: config.EVENTS_STREAM,
  group: config.EVENTS_GROUP,
  consumer: config.CONSUMER_NAME,
  deadLetterStream: config.EVENTS_DEAD_LETTER_STREAM,
  logger,
  tracer: tracing.tracer,
  blockMs: config.CONSUMER_BLOCK_MS,
  batchSize: config.CONSUMER_BATCH_SIZE,
  maxEventsPerTransaction: config.CONSUMER_EVENTS_PER_TRANSACTION,
  claimIntervalMs: config.CONSUMER_CLAIM_INTERVAL_MS,
  claimMinIdleMs: config.CONSUMER_CLAIM_MIN_IDLE_MS,
  maxDeliveries: config.CONSUMER_MAX_DELIVERIES,
  backoff: { initialMs: config.CONSUMER_BACKOFF_INITIAL_MS, maxMs: config.CONSUMER_BACKOFF_MAX_MS },
  processedRetentionMs: config.PROCESSED_EVENTS_RETENTION_HOURS * 3_600_000,
  heartbeat: liveness.register("event consumer", config.LIVENESS_STALL_MS),
});
const trimmer = new StreamTrimmer({
  redis: eventsRedis,
  stream: config.EVENTS_STREAM,
  logger,
  intervalMs: config.STREAM_TRIM_INTERVAL_MS,
  deadLetterStream: config.EVENTS_DEAD_LETTER_STREAM,
  deadLetterMaxLen: config.DEAD_LETTER_MAX_LEN,
  heartbeat: liveness.register("stream trimmer", config.LIVENESS_STALL_MS),
});
consumer.start();
trimmer.start();

const app = createApp({
  db: database.db,
  cursors: createCursorCodec(config.CURSOR_SECRET ?? DEV_CURSOR_SECRET),
  verifyToken: createTokenVerifier({
    keys: remoteKeySet(config.JWKS_URL),
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  }),
  health: {
    database: () => pingDatabase(database.sql),
    eventsRedis: () => pingEventsRedis(eventsRedis),
    consumerStats: () => consumer.stats(),
    consumerStatus: () => consumer.status(),
  },
  liveness,
  logger,
  tracer: tracing.tracer,
});

logger.info("consuming events", { stream: config.EVENTS_STREAM, group: config.EVENTS_GROUP, consumer: config.CONSUMER_NAME });

serveGracefully({
  fetch: app.fetch,
  hostname: config.HOST,
  port: config.PORT,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: "event consumer", close: () => consumer.stop() },
    { name: "stream trimmer", close: () => trimmer.stop() },
    { name: "events redis", close: () => closeEventsRedis(eventsRedis) },
    { name: "postgres", close: () => database.close() },
    { name: "tracing", close: () => tracing.shutdown() },
  ],
});
