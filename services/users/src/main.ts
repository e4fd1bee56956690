import { createTokenVerifier } from "@msa-board/service-kit/auth";
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
import { PrivateKeySealer } from "./keys/private-key-sealing.ts";
import { SigningKeyStore } from "./keys/signing-key-store.ts";
import { createTokenIssuer } from "./keys/token-issuer.ts";
import { LoginThrottle } from "./sessions/login-throttle.ts";
import { RefreshTokens } from "./sessions/refresh-tokens.ts";
import { ensureAdminAccount } from "./users/admin-bootstrap.ts";
import { createPasswordHasher } from "./users/passwords.ts";

const { config, logger, tracing } = bootstrap("users", loadConfig);

try {
  await waitFor("database migrations", () => migrateUsersDatabase(config.DATABASE_URL), { logger, timeoutMs: 60_000 });
} catch (err) {
  logger.error("cannot migrate the users database; exiting", { err: safeErrorMessage(err) });
  process.exit(1);
}

const database = createDatabaseClient(config.DATABASE_URL, { tracer: tracing.tracer });
const clock = () => new Date();
const passwords = createPasswordHasher({ memoryKib: config.PASSWORD_HASH_MEMORY_KIB, timeCost: config.PASSWORD_HASH_TIME_COST });
const keys = new SigningKeyStore({
  db: database.db,
  tokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  sealer: PrivateKeySealer.fromBase64(config.SIGNING_KEYS_ENCRYPTION_KEY || undefined),
  clock,
});

try {
  await keys.ensureActiveKey();
  // Keys written before SIGNING_KEYS_ENCRYPTION_KEY was set are sealed now, not left in plain until the next rotation.
  const sealedPlainKeys = await keys.sealPlainKeys();
  if (sealedPlainKeys > 0) logger.info("sealed signing keys that were stored in plain", { count: sealedPlainKeys });
  const { kid } = await keys.signingKey(); // fails now, not at the first login, if the key cannot be opened
  const admin = await ensureAdminAccount(
    { db: database.db, passwords, logger },
    { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, name: config.ADMIN_NAME },
  );
  await passwords.verifyDummy("warm-up");
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
  passwords,
  keys,
  issueToken: createTokenIssuer({
    keys,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    clock,
  }),
  verifyToken: createTokenVerifier({ keys: keys.keyResolver, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, clock }),
  health: {
    database: () => pingDatabase(database.sql),
    eventsRedis: () => pingEventsRedis(eventsRedis),
    relay: () => relay.status(),
  },
  liveness,
  logger,
  tracer: tracing.tracer,
  refreshTokens: new RefreshTokens({
    db: database.db,
    policy: { absoluteTtlSeconds: config.REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS, idleTtlSeconds: config.REFRESH_TOKEN_IDLE_TTL_SECONDS },
    clock,
  }),
  loginThrottle: new LoginThrottle({
    db: database.db,
    policy: {
      lockAfterFailures: config.LOGIN_LOCKOUT_AFTER_FAILURES,
      baseLockSeconds: config.LOGIN_LOCKOUT_BASE_SECONDS,
      maxLockSeconds: config.LOGIN_LOCKOUT_MAX_SECONDS,
      resetAfterSeconds: config.LOGIN_FAILURES_RESET_SECONDS,
    },
    clock,
  }),
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
