import { pingDatabase } from "@msa-board/service-kit/db";
import type { Logger } from "@msa-board/service-kit/logger";
import { waitFor } from "@msa-board/service-kit/startup";
import {
  createApp,
  createDatabaseClient,
  createSessionParts,
  createSigningParts,
  type EventPublisher,
  migrateUsersDatabase,
  prepareToSign,
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
  const signing = createSigningParts(config, database.db);
  try {
    const { kid, admin } = await prepareToSign(config, database.db, signing, logger);
    logger.info("users ready to sign", { kid, admin });
  } catch (err) {
    await database.close();
    throw err;
  }
  const app = createApp({
    db: database.db,
    passwords: signing.passwords,
    keys: signing.keys,
    // The session and lockout knobs of the users service, read under the same names.
    ...createSessionParts(config, database.db, signing),
    events,
    health: { database: () => pingDatabase(database.sql) },
    logger,
    tracer,
  });
  return {
    name: "users",
    fetch: app.fetch,
    keys: signing.keys.keyResolver,
    closers: [{ name: "users postgres", close: () => database.close() }],
  };
}
