import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { MissingToolError, type ToolContext } from "./context.ts";
import { run, runs } from "./exec.ts";

/** Deno from the npm registry: the `deno` package's platform dependency carries the binary. */
export async function ensureDeno(ctx: ToolContext): Promise<string> {
  const dir = join(ctx.cacheDir, "deno", ctx.versions.deno);
  const candidates = [
    join(dir, "node_modules", "@deno", `${process.platform}-${process.arch === "arm64" ? "arm64" : "x64"}-glibc`, "deno"),
    join(dir, "node_modules", "@deno", `${process.platform}-${process.arch === "arm64" ? "arm64" : "x64"}`, "deno"),
    join(dir, "node_modules", "deno", "deno"),
  ];
  for (const candidate of candidates) if (existsSync(candidate) && (await runs(candidate))) return candidate;
  return ctx.step(`installing Deno ${ctx.versions.deno} from npm`, async () => {
    mkdirSync(dir, { recursive: true });
    await Bun.write(join(dir, "package.json"), JSON.stringify({ name: "msa-board-deno", private: true }));
    const npm = await run(
      ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", `deno@${ctx.versions.deno}`],
      { cwd: dir },
    );
    if (npm.code !== 0) throw new MissingToolError(`npm could not install deno@${ctx.versions.deno}:\n${npm.stderr}`);
    for (const candidate of candidates) if (existsSync(candidate) && (await runs(candidate))) return candidate;
    throw new MissingToolError(`deno@${ctx.versions.deno} installed but no runnable binary was found under ${dir}`);
  });
}
