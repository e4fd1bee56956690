import { createHash } from "node:crypto";
import type { ServiceName } from "../config.ts";

/**
 * Least privilege on the two Redis: each service logs in as its own ACL user that may run only the
 * commands it uses, on only its keys. The `default` user is the operator's (password-protected,
 * everything), used by health checks, tests and people. One source for every deployment: the
 * native stack writes these rules into ACL files, compose passes them on redis-server's command
 * line, and Kubernetes mounts them from a Secret (deploy/ checks all three against this file).
 *
 * Read each service's Redis calls before changing a rule: a command missing here fails at run time
 * with NOPERM (the services' suites run against the real stack to catch exactly that).
 */

export type RedisStore = "redisNotices" | "redisEvents";

/** The services that use Redis (the web front end does not). */
export type RedisService = Extract<ServiceName, "users" | "postings" | "notices">;

export type RedisAccount = {
  service: RedisService;
  /** ACL user name (the same as the service's). */
  user: string;
  store: RedisStore;
  /** ACL rules after `on` and the password, in Redis' own syntax. */
  rules: string[];
};

/** The events stream and the dead letters (ARCHITECTURE.md); postings' defaults. */
export const EVENTS_STREAM = "events";
export const DEAD_LETTER_STREAM = "events.dead";

/**
 * What node-redis needs on a connection: AUTH (HELLO for RESP3), PING for health, QUIT/RESET to
 * close. Not CLIENT SETINFO, which it sends on connect and whose failure it ignores by design:
 * Redis 7.0 (Debian's) does not know the command and would refuse the whole ACL file.
 */
const CONNECTION = ["+auth", "+hello", "+ping", "+quit", "+reset"];

/** Start from nothing: no keys, no channels, no commands. */
const NOTHING = ["resetkeys", "resetchannels", "-@all"];

export const REDIS_ACCOUNTS: Record<RedisService, RedisAccount> = {
  // The outbox relay publishes; that is all users does with Redis.
  users: {
    service: "users",
    user: "users",
    store: "redisEvents",
    rules: [...NOTHING, ...CONNECTION, `~${EVENTS_STREAM}`, "+xadd"],
  },
  // The consumer group: read and acknowledge `events`, claim stuck entries, trim what every group
  // has acknowledged; write only dead letters (a selector: XADD is allowed on `events.dead` alone).
  postings: {
    service: "postings",
    user: "postings",
    store: "redisEvents",
    rules: [
      ...NOTHING,
      ...CONNECTION,
      `~${EVENTS_STREAM}`,
      "+xreadgroup",
      "+xack",
      "+xautoclaim",
      "+xclaim",
      "+xpending",
      "+xinfo|groups",
      "+xinfo|stream",
      "+xinfo|consumers",
      "+xgroup|create",
      "+xgroup|createconsumer",
      "+xlen",
      "+xtrim",
      // Dead-lettering moves an entry atomically: XADD events.dead + XACK events in one MULTI.
      "+multi",
      "+exec",
      "+discard",
      `(~${DEAD_LETTER_STREAM} +xadd +xlen +xtrim +xrange)`,
    ],
  },
  // The notices hashes and their index, through the Lua scripts (EVALSHA, EVAL when Redis lost
  // them; the _RO forms for the read-only list). Redis checks every command a script runs against
  // these rules too, so the scripts' own commands are listed.
  notices: {
    service: "notices",
    user: "notices",
    store: "redisNotices",
    rules: [
      ...NOTHING,
      ...CONNECTION,
      "~notice:*",
      "~notices:*",
      "+evalsha",
      "+evalsha_ro",
      "+eval",
      "+eval_ro",
      "+hgetall",
      "+exists",
      "+hset",
      "+del",
      "+zadd",
      "+zrem",
      "+zrevrange",
    ],
  },
};

export const accountsOf = (store: RedisStore): RedisAccount[] => Object.values(REDIS_ACCOUNTS).filter((a) => a.store === store);

/** `>password` would keep the clear text in the file; `#<sha256>` is what Redis stores anyway. */
const passwordRule = (password: string, hashed: boolean) =>
  hashed ? `#${createHash("sha256").update(password).digest("hex")}` : `>${password}`;

/** One ACL line per user: `default` for the operator, then each service on this store. */
export function aclLines(
  store: RedisStore,
  passwords: { admin: string; services: Partial<Record<RedisService, string>> },
  { hashed = true } = {},
): string[] {
  const lines = [`user default on ${passwordRule(passwords.admin, hashed)} ~* &* +@all`];
  for (const account of accountsOf(store)) {
    const password = passwords.services[account.service];
    if (!password) throw new Error(`no Redis password for ${account.service}`);
    lines.push(`user ${account.user} on ${passwordRule(password, hashed)} ${account.rules.join(" ")}`);
  }
  return lines;
}

/** A redis:// URL with a user and password (escaped, though the generated ones are hex). */
export function redisUrl(host: string, port: number, user: string, password: string): string {
  return `redis://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}`;
}

/** The URL `service` connects to its own Redis with, as its own ACL user. */
export function serviceRedisUrl(
  ports: Record<RedisStore, number>,
  passwords: Record<RedisService, string>,
  service: RedisService,
  host = "127.0.0.1",
): string {
  const { store, user } = REDIS_ACCOUNTS[service];
  return redisUrl(host, ports[store], user, passwords[service]);
}

/**
 * Public development defaults for compose and the Kubernetes dev overlay (like their database
 * passwords): fine on your own machine, never for real data. The native stack makes random ones
 * on every run instead.
 */
export const DEV_REDIS_PASSWORDS: { admin: Record<RedisStore, string>; services: Record<RedisService, string> } = {
  admin: { redisNotices: "redis-notices-dev-password", redisEvents: "redis-events-dev-password" },
  services: { users: "users-redis-dev-password", postings: "postings-redis-dev-password", notices: "notices-redis-dev-password" },
};
