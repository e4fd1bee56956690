import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { initCluster } from "../infra/postgres.ts";
import type { ToolContext } from "../tools/context.ts";
import type { PostgresTools } from "../tools/postgres.ts";

export type PostgresTemplate = { dataDir: string; superuserPassword: string };

/**
 * An initdb'd cluster kept in the tool cache, per PostgreSQL major version, for throw-away stores
 * to copy. Its superuser password is random, made once, and readable only by this user.
 */
export async function ensurePostgresTemplate(tools: PostgresTools, account: string | null, ctx: ToolContext): Promise<PostgresTemplate> {
  const root = join(ctx.cacheDir, "postgres-template", majorVersion(tools));
  const template = read(root);
  if (template) return template;
  return ctx.step(`preparing a PostgreSQL template cluster for test runs (once; in ${root})`, async () => {
    // initdb runs as the server account, which may not get into the cache (root's home): build in
    // the temp folder, then publish with one rename, so concurrent first runs cannot see half of it.
    const work = mkdtempSync(join(tmpdir(), "msa-board-pg-template-"));
    const staging = `${root}.${process.pid}.tmp`;
    try {
      const superuserPassword = crypto.randomUUID();
      initCluster(tools, { dataDir: join(work, "data"), port: 0, superuser: "postgres", superuserPassword, settings: {} }, account);
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true, mode: 0o700 });
      const copy = spawnSync("cp", ["-a", join(work, "data"), join(staging, "data")], { encoding: "utf8" });
      if (copy.status !== 0) throw new Error(`could not store the template cluster: ${copy.stderr}`);
      writeFileSync(join(staging, "superuser-password"), superuserPassword, { mode: 0o600 });
      try {
        renameSync(staging, root);
      } catch {
        // Another run published one first: use that.
      }
      const published = read(root);
      if (!published) throw new Error(`the template cluster in ${root} is incomplete; delete that folder and run again`);
      return published;
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(staging, { recursive: true, force: true });
    }
  });
}

function read(root: string): PostgresTemplate | null {
  const passwordFile = join(root, "superuser-password");
  if (!existsSync(join(root, "data", "PG_VERSION")) || !existsSync(passwordFile)) return null;
  return { dataDir: join(root, "data"), superuserPassword: readFileSync(passwordFile, "utf8").trim() };
}

/** The server's major version (`postgres -V`), so a PostgreSQL upgrade gets a template of its own. */
function majorVersion(tools: PostgresTools): string {
  const out = spawnSync(join(tools.binDir, "postgres"), ["-V"], { encoding: "utf8" }).stdout ?? "";
  return /\(PostgreSQL\) (\d+)/.exec(out)?.[1] ?? String(tools.version);
}
