import { commandHealth, type HealthCheck } from "../supervisor/health.ts";
import type { RedisTools } from "../tools/redis.ts";

/**
 * How much a Redis keeps: the dev stack's AOF synced every second, the test stack's AOF left to the
 * OS, nothing at all for a throw-away test store.
 */
export type RedisDurability = "aof" | "aof-unsynced" | "none";

export type RedisInstance = { port: number; dir: string; durability: RedisDurability };

export function redisServerCommand(tools: RedisTools, { port, dir, durability }: RedisInstance): string[] {
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
    ...persistence,
    "--save",
    "",
    "--daemonize",
    "no",
    "--loglevel",
    "warning",
  ];
}

export const redisHealth = (tools: RedisTools, port: number): HealthCheck => commandHealth([tools.cli, "-p", String(port), "ping"], /PONG/);
