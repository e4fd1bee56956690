import type { Logger } from "@msa-board/service-kit/logger";
import { resilientRedisOptions, restartHungConnectAttempts } from "@msa-board/service-kit/redis-connection";
import { type CommandParser, createClient, defineScript } from "@redis/client";
import { CREATE_NOTICE, DELETE_NOTICE, LIST_NOTICES, UPDATE_NOTICE } from "./scripts.ts";

/** Reply shapes as the scripts return them (node-redis does not export its RESP reply types). */
type FlatHash = string[];

const pushKeysThenArgs = (parser: CommandParser, keys: string[], args: string[]) => {
  for (const key of keys) parser.pushKey(key);
  parser.push(...args);
};

/** The notices scripts as client commands: EVALSHA, with EVAL once when Redis lost the script. */
const scripts = {
  createNotice: defineScript({
    SCRIPT: CREATE_NOTICE,
    NUMBER_OF_KEYS: 2,
    parseCommand: (parser: CommandParser, keys: [string, string], args: string[]) =>
      pushKeysThenArgs(parser, keys, args),
    transformReply: undefined as unknown as () => number,
  }),
  updateNotice: defineScript({
    SCRIPT: UPDATE_NOTICE,
    NUMBER_OF_KEYS: 1,
    parseCommand: (parser: CommandParser, keys: [string], args: string[]) => pushKeysThenArgs(parser, keys, args),
    transformReply: undefined as unknown as () => FlatHash | null,
  }),
  deleteNotice: defineScript({
    SCRIPT: DELETE_NOTICE,
    NUMBER_OF_KEYS: 2,
    parseCommand: (parser: CommandParser, keys: [string, string], args: string[]) =>
      pushKeysThenArgs(parser, keys, args),
    transformReply: undefined as unknown as () => number,
  }),
  listNotices: defineScript({
    SCRIPT: LIST_NOTICES,
    NUMBER_OF_KEYS: 1,
    IS_READ_ONLY: true,
    parseCommand: (parser: CommandParser, keys: [string], args: string[]) => pushKeysThenArgs(parser, keys, args),
    transformReply: undefined as unknown as () => FlatHash[],
  }),
};

/** How long one command may take before the request gives up on Redis (503). */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/**
 * A node-redis client for the notices store, with the kit's resilient options: commands fail fast
 * while disconnected (503 rather than a request hanging in an offline queue), a silent connection is
 * dropped and reopened, and it reconnects in the background with backoff. With a logger, a connection
 * attempt that hangs (a node-redis race) is started over. Not connected yet: call `connect()`.
 */
export function createNoticesRedis(url: string, logger?: Logger) {
  const timing = { silenceTimeoutMs: 5_000, connectTimeoutMs: 2_000 };
  const client = createClient({
    url,
    scripts,
    ...resilientRedisOptions(timing),
    commandOptions: { timeout: REDIS_COMMAND_TIMEOUT_MS },
  });
  if (logger) {
    restartHungConnectAttempts(client, logger, "notices Redis", timing.connectTimeoutMs + timing.silenceTimeoutMs);
  }
  return client;
}

export type NoticesRedis = ReturnType<typeof createNoticesRedis>;
