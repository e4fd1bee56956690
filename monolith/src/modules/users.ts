import { createTokenVerifier, type TokenVerifier } from "@msa-board/service-kit/auth";
import { pingDatabase } from "@msa-board/service-kit/db";
import type { Logger } from "@msa-board/service-kit/logger";
import { waitFor } from "@msa-board/service-kit/startup";
import {
  createApp,
  createDatabaseClient,
  createPasswordHasher,
  createTokenIssuer,
  type EventPublisher,
  ensureAdminAccount,
  LoginThrottle,
  migrateUsersDatabase,
  PrivateKeySealer,
  RefreshTokens,
  SigningKeyStore,
} from "@msa-board/users/module";
import type { Tracer } from "@opentelemetry/api";
import type { JWTVerifyGetKey } from "jose";
import type { Config } from "../config.ts";
import type { HostedModule } from "../hosted-module.ts";

export const USERS_SCHEMA = "users";

export type UsersModule = HostedModule & {
  /** The signing keys, straight from the key store: the other modules check tokens without a JWKS fetch. */
  keys: JWTVerifyGetKey;
};

/** users as a module: its migrations into schema `users`, its keys and admin account, its app. */
export async function startUsersModule(
  config: Config,
  { logger, tracer, events }: { logger: Logger; tracer: Tracer; events: EventPublisher },
): Promise<UsersModule> {
  await waitFor("users migrations", () => migrateUsersDatabase(config.DATABASE_URL, { schema: USERS_SCHEMA }), {
    logger,
    timeoutMs: 60_000,
  });
  const database = createDatabaseClient(config.DATABASE_URL, { tracer, searchPath: USERS_SCHEMA, max: config.DATABASE_POOL_MAX });
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
    const { kid } = await keys.signingKey();
    const admin = await ensureAdminAccount(
      { db: database.db, passwords, logger },
      { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, name: config.ADMIN_NAME },
    );
    await passwords.verifyDummy("warm-up");
    logger.info("users ready to sign", { kid, admin });
  } catch (err) {
    await database.close();
    throw err;
  }
  const verifyToken: TokenVerifier = createTokenVerifier({
    keys: keys.keyResolver,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    clock,
  });
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
    verifyToken,
    events,
    health: { database: () => pingDatabase(database.sql) },
    logger,
    tracer,
    // The session and lockout knobs of the users service, read under the same names.
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
  return { name: "users", fetch: app.fetch, keys: keys.keyResolver, closers: [{ name: "users postgres", close: () => database.close() }] };
}
