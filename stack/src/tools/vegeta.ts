import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MissingToolError, type ToolContext } from "./context.ts";
import { run } from "./exec.ts";
import { findGo } from "./jaeger.ts";

export type EnsureVegetaOptions = { findGo?: () => string | null };

/** `vegeta -version` prints `Version: 12.13.0` first. */
async function reportedVersion(binary: string): Promise<string | null> {
  try {
    const result = await run([binary, "-version"]);
    return result.code === 0 ? (/^Version: (\S+)/m.exec(result.stdout)?.[1] ?? null) : null;
  } catch {
    return null;
  }
}

/**
 * vegeta (the bench's open-loop, constant-rate load generator), built with
 * `go install module@version` — its go.mod has no `replace`, so the Go module proxy is enough —
 * and cached as `<cacheDir>/vegeta/<version>/vegeta`.
 */
export async function ensureVegeta(ctx: ToolContext, options: EnsureVegetaOptions = {}): Promise<string> {
  const { module, version } = ctx.versions.vegeta;
  const dir = join(ctx.cacheDir, "vegeta", version);
  const binary = join(dir, "vegeta");
  const release = version.replace(/^v/, "");
  if (existsSync(binary) && (await reportedVersion(binary)) === release) return binary;

  const go = (options.findGo ?? findGo)();
  if (!go)
    throw new MissingToolError(
      "Go is needed once, to build vegeta (the bench's load generator). Install it (https://go.dev/dl or `sudo apt-get install -y golang-go`), then run again.",
    );
  // A per-process GOBIN, renamed into place at the end: two first runs at once cannot collide,
  // and a killed build never leaves a half-written binary behind.
  const gobin = join(dir, `gobin-${process.pid}`);
  mkdirSync(gobin, { recursive: true });
  try {
    const built = await ctx.step(`building vegeta ${version} with Go (go install ${module}, first time only)`, () =>
      run([go, "install", "-trimpath", "-ldflags", `-s -w -X main.Version=${release}`, `${module}@${version}`], {
        cwd: dir,
        env: { GOBIN: gobin, CGO_ENABLED: "0" },
      }),
    );
    if (built.code !== 0) throw new MissingToolError(`go install of vegeta ${version} failed:\n${built.stderr.trim()}`);
    renameSync(join(gobin, "vegeta"), binary);
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
  if ((await reportedVersion(binary)) !== release)
    throw new MissingToolError(`vegeta was built but ${binary} does not report version ${release}`);
  return binary;
}
