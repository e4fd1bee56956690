import { createApp, createCursorCodec, createDatabaseClient, DEV_CURSOR_SECRET, migratePostingsDatabase } from "@msa-board/postings/module";
import type { TokenVerifier } from "@msa-board/service-kit/auth";
import { pingDatabase } from "@msa-board/service-kit/db";
import type { Logger } from "@msa-board/service-kit/logger";
import { waitFor } from "@msa-board/service-kit/startup";
import type { Tracer } from "@opentelemetry/api";
import type { Config } from "../config.ts";
import type { HostedModule } from "../hosted-module.ts";

export const POSTINGS_SCHEMA = "postings";

/**
 * postings as a module: migrations into schema `postings` and its app. No event consumer: users'
 * events reach postings' handlers in-process (in-process-events.ts).
 */
export async function startPostingsModule(
  config: Config,
  { logger, tracer, verifyToken }: { logger: Logger; tracer: Tracer; verifyToken: TokenVerifier },
): Promise<HostedModule> {
  await waitFor("postings migrations", () => migratePostingsDatabase(config.DATABASE_URL, { schema: POSTINGS_SCHEMA }), {
    logger,
    timeoutMs: 60_000,
  });
  if (config.CURSOR_SECRET === undefined) {
    logger.warn("CURSOR_SECRET is not set; using the public development default (set it in any shared deployment)");
  }
  const database = createDatabaseClient(config.DATABASE_URL, { tracer, searchPath: POSTINGS_SCHEMA, max: config.DATABASE_POOL_MAX });
  const app = createApp({
    db: database.db,
    cursors: createCursorCodec(config.CURSOR_SECRET ?? DEV_CURSOR_SECRET),
    verifyToken,
    health: { database: () => pingDatabase(database.sql) },
    logger,
    tracer,
  });
  return { name: "postings", fetch: app.fetch, closers: [{ name: "postings postgres", close: () => database.close() }] };
}
