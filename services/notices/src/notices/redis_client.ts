import { type CommandParser, createClient, defineScript } from "redis";
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
 * A node-redis client for the notices store. Commands fail fast while disconnected (503 rather
 * than a request hanging in an offline queue); it reconnects in the background with backoff.
 * Not connected yet: call `connect()`.
 */
export function createNoticesRedis(url: string) {
  return createClient({
    url,
    scripts,
    disableOfflineQueue: true,
    commandOptions: { timeout: REDIS_COMMAND_TIMEOUT_MS },
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
    },
  });
}

export type NoticesRedis = ReturnType<typeof createNoticesRedis>;
