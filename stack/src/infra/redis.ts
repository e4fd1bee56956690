import { commandHealth, type HealthCheck } from "../supervisor/health.ts";
import type { RedisTools } from "../tools/redis.ts";

/**
 * How much a Redis keeps: the dev stack's AOF synced every second, the test stack's AOF left to the
 * OS, nothing at all for a throw-away test store.
 */
export type RedisDurability = "aof" | "aof-unsynced" | "none";

export type RedisInstance = {
  port: number;
  dir: string;
  durability: RedisDurability;
  /** The ACL users (infra/redis-acl.ts); without one, anyone who reaches the port is `default`. */
  aclFile?: string;
};

export function redisServerCommand(tools: RedisTools, { port, dir, durability, aclFile }: RedisInstance): string[] {
  const persistence =
    durability === "none" ? ["--appendonly", "no"] : ["--appendonly", "yes", "--appendfsync", durability === "aof" ? "everysec" : "no"];
  return [
    tools.server,
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    ...(aclFile ? ["--aclfile", aclFile] : []),
    ...persistence,
    "--save",
    "",
    "--daemonize",
    "no",
    "--loglevel",
    "warning",
  ];
}

/** PING; with the `default` user's password, which redis-cli reads from REDISCLI_AUTH (never the command line). */
export const redisHealth = (tools: RedisTools, port: number, password?: string): HealthCheck =>
  commandHealth([tools.cli, "-p", String(port), "ping"], /PONG/, password ? { REDISCLI_AUTH: password } : undefined);
