import { aclLines, DEV_REDIS_PASSWORDS, type RedisStore } from "@msa-board/stack/infra/redis-acl";

/**
 * The Redis ACL users of stack/src/infra/redis-acl.ts as redis-server command-line arguments, the
 * form compose and the Kubernetes dev overlay pass them in: `--user NAME on >PASSWORD RULE…`, one
 * argument per rule (redis-server quotes each argument, so a rule list in one argument would be
 * read as a user name). A selector `( … )` stays one argument; Redis splits it itself.
 */
export function redisAclArgs(store: RedisStore, passwords = DEV_REDIS_PASSWORDS): string[] {
  const lines = aclLines(store, { admin: passwords.admin[store], services: passwords.services }, { hashed: false });
  return lines.flatMap((line) => ["--user", ...(line.replace(/^user /, "").match(/\([^)]*\)|\S+/g) ?? [])]);
}

/** The arguments from the first `--user` on: what a Redis command line says about its users. */
export const userArgs = (args: string[]): string[] => {
  const first = args.indexOf("--user");
  return first < 0 ? [] : args.slice(first);
};

export { DEV_REDIS_PASSWORDS };
