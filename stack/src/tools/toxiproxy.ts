import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MissingToolError, type ToolContext } from "./context.ts";
import { run } from "./exec.ts";
import { findGo } from "./jaeger.ts";

export type EnsureToxiproxyOptions = { findGo?: () => string | null };

/** The version a cached binary reports, e.g. `toxiproxy-server version 2.12.0`. */
async function reportedVersion(binary: string): Promise<string | null> {
  try {
    const result = await run([binary, "-version"]);
    return result.code === 0 ? result.stdout.trim() : null;
  } catch {
    return null;
  }
}

/**
 * Toxiproxy (the fault proxy the test stack puts between services and their stores), built with
 * `go install module/cmd/server@version` — its go.mod has no `replace`, so the Go module proxy is
 * enough — and cached as `<cacheDir>/toxiproxy/<version>/toxiproxy-server`.
 */
export async function ensureToxiproxy(ctx: ToolContext, options: EnsureToxiproxyOptions = {}): Promise<string> {
  const { module, version } = ctx.versions.toxiproxy;
  const dir = join(ctx.cacheDir, "toxiproxy", version);
  const binary = join(dir, "toxiproxy-server");
  const release = version.replace(/^v/, "");
  if (existsSync(binary) && (await reportedVersion(binary))?.endsWith(release)) return binary;

  const go = (options.findGo ?? findGo)();
  if (!go)
    throw new MissingToolError(
      "Go is needed once, to build Toxiproxy (the test stack's fault proxy). Install it (https://go.dev/dl or `sudo apt-get install -y golang-go`), then run again.",
    );
  // A per-process GOBIN, renamed into place at the end: two first runs at once cannot collide,
  // and a killed build never leaves a half-written binary behind.
  const gobin = join(dir, `gobin-${process.pid}`);
  mkdirSync(gobin, { recursive: true });
  try {
    const built = await ctx.step(`building Toxiproxy ${version} with Go (go install ${module}/cmd/server, first time only)`, () =>
      run([go, "install", "-trimpath", "-ldflags", `-s -w -X ${module}.Version=${release}`, `${module}/cmd/server@${version}`], {
        cwd: dir,
        env: { GOBIN: gobin, CGO_ENABLED: "0" },
      }),
    );
    if (built.code !== 0) throw new MissingToolError(`go install of Toxiproxy ${version} failed:\n${built.stderr.trim()}`);
    renameSync(join(gobin, "server"), binary);
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
  if (!(await reportedVersion(binary))?.endsWith(release))
    throw new MissingToolError(`Toxiproxy was built but ${binary} does not report version ${release}`);
  return binary;
}
