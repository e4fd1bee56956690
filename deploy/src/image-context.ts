import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

/**
 * What a Bun image's install step sees of the repository. `bun install --frozen-lockfile` refuses
 * to run unless it finds every workspace's manifest the lockfile names, the root manifest and
 * lockfile, and every patch file of `patchedDependencies`; no Docker engine is needed to check that.
 */
export function installInputs(root: string): string[] {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    workspaces: string[];
    patchedDependencies?: Record<string, string>;
  };
  const workspaces = manifest.workspaces.flatMap((pattern) =>
    pattern.endsWith("/*")
      ? readdirSync(join(root, pattern.slice(0, -2)))
          .map((name) => `${pattern.slice(0, -1)}${name}`)
          .filter((dir) => existsSync(join(root, dir, "package.json")))
      : [pattern],
  );
  return [
    "package.json",
    "bun.lock",
    "bunfig.toml",
    ...Object.values(manifest.patchedDependencies ?? {}),
    ...workspaces.map((dir) => `${dir}/package.json`),
  ];
}

type IgnoreRule = { glob: Bun.Glob; include: boolean };

/** A .dockerignore's rules, in order (`!` re-includes). */
export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const include = line.startsWith("!");
      const pattern = (include ? line.slice(1) : line).replace(/^\/+/, "").replace(/\/+$/, "");
      return { glob: new Bun.Glob(pattern), include };
    });
}

/**
 * Whether the build context keeps `path`. As BuildKit does: the last rule that matches the path or
 * one of its parent directories decides.
 */
export function inContext(rules: IgnoreRule[], path: string): boolean {
  const parts = path.split("/");
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
  let kept = true;
  for (const rule of rules) if (candidates.some((p) => rule.glob.match(p))) kept = rule.include;
  return kept;
}

/** The sources of the COPY lines in the stage named `stage` (flags and the destination left out). */
export function stageCopySources(dockerfile: string, stage: string): string[] {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const body = stages.find((s) => new RegExp(`\\sAS\\s+${stage}\\s*$`, "im").test(s.split("\n")[0] ?? ""));
  if (!body) throw new Error(`no stage "${stage}"`);
  return [...body.matchAll(/^COPY\s+(.+)$/gm)].flatMap(([, args]) => {
    const words = (args as string).split(/\s+/).filter((w) => !w.startsWith("--"));
    return words.slice(0, -1);
  });
}

/** The install inputs the stage's install does not get: empty when the image can build. */
export function missingInstallInputs(root: string, dockerfile: string, dockerignore: string, stage: string): string[] {
  const rules = parseDockerignore(dockerignore);
  const sources = stageCopySources(dockerfile, stage).map((s) => s.replace(/^\.\/?/, "").replace(/\/+$/, ""));
  const copied = (path: string) => sources.some((s) => s === "" || s === path || path.startsWith(`${s}/`));
  return installInputs(root).filter((path) => !(copied(path) && inContext(rules, path)));
}

/**
 * Files `entry` loads (found the way Bun resolves it: through package exports, symlinked
 * workspaces and all) that the `stage` of the Dockerfile does not copy in from the build context:
 * empty when the image has every source its entry point needs. Installed packages are the install
 * step's business (see missingInstallInputs) and are left out. Paths are repository-relative.
 */
export async function missingSources(root: string, entry: string, dockerfile: string, dockerignore: string, stage: string) {
  const loaded = await loadedSources(root, entry);
  const rules = parseDockerignore(dockerignore);
  const sources = stageCopySources(dockerfile, stage).map((s) => s.replace(/^\.\/?/, "").replace(/\/+$/, ""));
  const copied = (path: string) => sources.some((s) => s === path || path.startsWith(`${s}/`));
  return loaded.filter((path) => !(copied(path) && inContext(rules, path)));
}

/**
 * Every repository file outside node_modules that `entry` (repository-relative) imports, directly or
 * not: `bun build`'s metafile. (A separate `bun build` process: Bun.build inside `bun test` fails to
 * read some files.)
 */
export async function loadedSources(root: string, entry: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "msa-image-sources-"));
  try {
    const metafile = join(dir, "meta.json");
    const built = Bun.spawnSync(
      [process.execPath, "build", join(root, entry), "--target=bun", `--metafile=${metafile}`, `--outdir=${join(dir, "out")}`],
      {
        cwd: dir,
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    if (built.exitCode !== 0) throw new Error(`bun build ${entry} failed:\n${built.stderr.toString()}`);
    const { inputs } = JSON.parse(readFileSync(metafile, "utf8")) as { inputs: Record<string, unknown> };
    // The metafile names inputs relative to the working directory.
    return Object.keys(inputs)
      .map((input) => relative(root, join(dir, input)))
      .filter((path) => !path.split("/").includes("node_modules"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
