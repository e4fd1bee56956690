import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { aptInstall } from "./apt.ts";
import { MissingToolError, type ToolContext } from "./context.ts";

export type PostgresTools = { binDir: string; version: number };

function findPostgres(): PostgresTools | null {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .map(Number)
      .filter((v) => Number.isInteger(v) && v >= 14)
      .sort((a, b) => b - a);
    for (const version of versions) {
      const binDir = join(root, String(version), "bin");
      if (["postgres", "initdb", "pg_ctl"].every((tool) => existsSync(join(binDir, tool)))) return { binDir, version };
    }
  }
  const initdb = Bun.which("initdb");
  const postgres = Bun.which("postgres");
  if (initdb && postgres) return { binDir: join(initdb, ".."), version: 0 };
  return null;
}

/** PostgreSQL server binaries (14+), from Debian's packages when missing. */
export async function ensurePostgres(ctx: ToolContext): Promise<PostgresTools> {
  const found = findPostgres();
  if (found) return found;
  await ctx.step("installing PostgreSQL (apt)", () => aptInstall([ctx.versions.apt.postgresql], "PostgreSQL"));
  const installed = findPostgres();
  if (!installed) throw new MissingToolError(`PostgreSQL was installed but no server binaries were found under /usr/lib/postgresql`);
  return installed;
}
