import { aptInstall } from "./apt.ts";
import { MissingToolError, type ToolContext } from "./context.ts";

export type RedisTools = { server: string; cli: string };

function findRedis(): RedisTools | null {
  const server = Bun.which("redis-server") ?? Bun.which("redis-server", { PATH: "/usr/bin:/usr/local/bin" });
  const cli = Bun.which("redis-cli") ?? Bun.which("redis-cli", { PATH: "/usr/bin:/usr/local/bin" });
  return server && cli ? { server, cli } : null;
}

/** Redis server and CLI, from Debian's packages when missing. */
export async function ensureRedis(ctx: ToolContext): Promise<RedisTools> {
  const found = findRedis();
  if (found) return found;
  await ctx.step("installing Redis (apt)", () => aptInstall([ctx.versions.apt.redis], "Redis"));
  const installed = findRedis();
  if (!installed) throw new MissingToolError("Redis was installed but redis-server/redis-cli are not on PATH");
  return installed;
}
