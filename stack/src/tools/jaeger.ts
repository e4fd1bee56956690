import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MissingToolError, type ToolContext } from "./context.ts";
import { run, runs } from "./exec.ts";

/** Where Go usually lives when it is installed but not on a non-login shell's PATH. */
const GO_FALLBACKS = ["/usr/local/go/bin/go", "/usr/lib/go/bin/go"];

const GO_MISSING = [
  "Go (1.24.6 or newer) is needed once, to build Jaeger from source. Install it, then run again:",
  "  curl -fsSLO https://go.dev/dl/go1.25.4.linux-amd64.tar.gz && sudo tar -C /usr/local -xzf go1.25.4.linux-amd64.tar.gz",
  "  export PATH=/usr/local/go/bin:$PATH",
  "(or `sudo apt-get install -y golang-go`; an older Go fetches the toolchain Jaeger asks for by itself).",
].join("\n");

export type EnsureJaegerOptions = {
  /** Finds the `go` binary; replaceable so tests can pretend Go is missing. */
  findGo?: () => string | null;
};

export function findGo(): string | null {
  return Bun.which("go") ?? GO_FALLBACKS.find((candidate) => existsSync(candidate)) ?? null;
}

/**
 * Jaeger v2 built from its Go module, cached as `<cacheDir>/jaeger/<version>/jaeger`.
 *
 * Jaeger publishes no npm/PyPI package, and its go.mod has a `replace`, so `go install module@version`
 * is refused: we download the module, build a writable copy of it, and delete the copy. Go's module
 * and build caches stay in Go's default locations (`go env GOMODCACHE GOCACHE`), shared with any
 * other Go work on the machine, so a rebuild (new version, wiped msa-board cache) only relinks.
 */
export async function ensureJaeger(ctx: ToolContext, options: EnsureJaegerOptions = {}): Promise<string> {
  const { module, version, package: mainPackage, release } = ctx.versions.jaeger;
  const dir = join(ctx.cacheDir, "jaeger", version);
  const binary = join(dir, "jaeger");
  if (existsSync(binary) && (await runs(binary, ["version"]))) return binary;

  const go = (options.findGo ?? findGo)();
  if (!go) throw new MissingToolError(GO_MISSING);
  mkdirSync(dir, { recursive: true });

  const source = await ctx.step(`downloading Jaeger ${release} source (go mod download ${module}@${version})`, () =>
    downloadModule(go, `${module}@${version}`, dir),
  );
  const log = join(dir, "build.log");
  await ctx.step(`building Jaeger ${release} with Go (first time only, a few minutes; log: ${log})`, () =>
    buildFrom(go, source, { dir, binary, log, mainPackage, release }),
  );
  if (!(await runs(binary, ["version"]))) throw new MissingToolError(`Jaeger was built but ${binary} does not run; see ${log}`);
  return binary;
}

type ModuleSource = { dir: string; time: string | undefined };

async function downloadModule(go: string, moduleAtVersion: string, cwd: string): Promise<ModuleSource> {
  // Run outside any Go module (the cache dir), so a go.mod or go.work around the caller cannot interfere.
  const result = await run([go, "mod", "download", "-json", moduleAtVersion], { cwd });
  // On failure go still prints the JSON object, with an Error field saying why.
  let info: { Dir?: string; Info?: string; Error?: string } = {};
  try {
    info = JSON.parse(result.stdout);
  } catch {}
  if (result.code !== 0 || !info.Dir) {
    throw new MissingToolError(`go could not download ${moduleAtVersion}: ${info.Error ?? result.stderr.trim()}`);
  }
  return { dir: info.Dir, time: info.Info ? readInfoTime(info.Info) : undefined };
}

function readInfoTime(infoFile: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(infoFile, "utf8")) as { Time?: string }).Time;
  } catch {
    return undefined;
  }
}

type BuildTarget = { dir: string; binary: string; log: string; mainPackage: string; release: string };

async function buildFrom(go: string, source: ModuleSource, target: BuildTarget): Promise<void> {
  // Per-process names, so two first runs at once (npm start and npm test) cannot trip over each
  // other; the rename at the end is atomic, so a killed build never leaves a half-written binary.
  const work = join(target.dir, `build-src-${process.pid}`);
  const output = join(target.dir, `jaeger.${process.pid}.tmp`);
  try {
    rmSync(work, { recursive: true, force: true });
    cpSync(source.dir, work, { recursive: true });
    // The module cache is read-only, and so is a copy of it.
    const chmod = await run(["chmod", "-R", "u+w", work]);
    if (chmod.code !== 0) throw new Error(`chmod -R u+w ${work} failed: ${chmod.stderr}`);

    const code = await goBuild(
      go,
      work,
      ["-o", output, "-ldflags", linkerFlags(target.release, source.time), target.mainPackage],
      target.log,
    );
    if (code !== 0)
      throw new MissingToolError(`go build of Jaeger failed (exit ${code}). Last lines of ${target.log}:\n${tail(target.log, 30)}`);
    renameSync(output, target.binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(output, { force: true });
  }
}

/** Stripped binary, stamped with the release the way Jaeger's Makefile does (`jaeger version`). */
function linkerFlags(release: string, date: string | undefined): string {
  const stamp = "github.com/jaegertracing/jaeger/internal/version";
  return ["-s", "-w", `-X ${stamp}.latestVersion=${release}`, ...(date ? [`-X ${stamp}.date=${date}`] : [])].join(" ");
}

/** Streams go's output (-v: one line per compiled package) into the log as it goes. */
async function goBuild(go: string, cwd: string, args: string[], log: string): Promise<number> {
  const fd = openSync(log, "w");
  try {
    const proc = Bun.spawn([go, "build", "-v", "-trimpath", ...args], {
      cwd,
      env: { ...process.env, CGO_ENABLED: "0" },
      stdin: "ignore",
      stdout: fd,
      stderr: fd,
    });
    return await proc.exited;
  } finally {
    closeSync(fd);
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
