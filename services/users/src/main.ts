import { bootstrap } from "@msa-board/service-kit/bootstrap";
import { pingDatabase, safeErrorMessage } from "@msa-board/service-kit/db";
import { createEventsRedis, pingEventsRedis } from "@msa-board/service-kit/events";
import { Liveness } from "@msa-board/service-kit/liveness";
import { serveGracefully } from "@msa-board/service-kit/serve";
import { waitFor } from "@msa-board/service-kit/startup";
import { createApp } from "./app.ts";
import { loadConfig } from "./config.ts";
import { createDatabaseClient } from "./db/client.ts";
import { migrateUsersDatabase } from "./db/migrations.ts";
import { OutboxRelay } from "./events/outbox-relay.ts";
import { createSessionParts, createSigningParts, prepareToSign } from "./host-wiring.ts";

const { config, logger, tracing } = bootstrap("users", loadConfig);

try {
  await waitFor("database migrations", () => migrateUsersDatabase(config.DATABASE_URL), { logger, timeoutMs: 60_000 });
} catch (err) {
  logger.error("cannot migrate the users database; exiting", { err: safeErrorMessage(err) });
  process.exit(1);
}

const database = createDatabaseClient(config.DATABASE_URL, { tracer: tracing.tracer });
const signing = createSigningParts(config, database.db);

try {
  const { kid, admin, sealedPlainKeys } = await prepareToSign(config, database.db, signing, logger);
  if (sealedPlainKeys > 0) logger.info("sealed signing keys that were stored in plain", { count: sealedPlainKeys });
  logger.info("ready to sign", { kid, admin, keysEncryptedAtRest: Boolean(config.SIGNING_KEYS_ENCRYPTION_KEY) });
} catch (err) {
  // The admin bootstrap's queries carry the admin's email and password hash: never their parameters.
  logger.error("start-up failed; exiting", { err: safeErrorMessage(err) });
  await database.close();
  process.exit(1);
}

const eventsRedis = createEventsRedis(config.EVENTS_REDIS_URL, logger, { silenceTimeoutMs: config.EVENTS_REDIS_SILENCE_TIMEOUT_MS });
const liveness = new Liveness();
const relay = new OutboxRelay({
  db: database.db,
  redis: eventsRedis,
  listen: async (channel, onNotify) => (await database.sql.listen(channel, onNotify, onNotify)).unlisten,
  stream: config.OUTBOX_STREAM,
  logger,
  tracer: tracing.tracer,
  batchSize: config.OUTBOX_BATCH_SIZE,
  pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
  backoff: { initialMs: config.OUTBOX_BACKOFF_INITIAL_MS, maxMs: config.OUTBOX_BACKOFF_MAX_MS },
  heartbeat: liveness.register("outbox relay", config.LIVENESS_STALL_MS),
  retentionMs: config.OUTBOX_RETENTION_HOURS * 3_600_000,
  pruneIntervalMs: config.OUTBOX_PRUNE_INTERVAL_MS,
});
relay.start();
eventsRedis.on("ready", () => relay.retryNow());

const app = createApp({
  db: database.db,
  passwords: signing.passwords,
  keys: signing.keys,
  ...createSessionParts(config, database.db, signing),
  health: {
    database: () => pingDatabase(database.sql),
    eventsRedis: () => pingEventsRedis(eventsRedis),
    relay: () => relay.status(),
  },
  liveness,
  logger,
  tracer: tracing.tracer,
});

serveGracefully({
  fetch: app.fetch,
  hostname: config.HOST,
  port: config.PORT,
  logger,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  closers: [
    { name: "outbox relay", close: () => relay.stop() },
    {
      name: "events redis",
      // close() lets pending replies arrive; while reconnecting there are none, so just stop trying.
      close: async () => (eventsRedis.isReady ? eventsRedis.close() : eventsRedis.isOpen ? eventsRedis.destroy() : undefined),
    },
    { name: "postgres", close: () => database.close() },
    { name: "tracing", close: () => tracing.shutdown() },
  ],
});
