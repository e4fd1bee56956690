#!/usr/bin/env node
// The one file that runs on plain Node: `npm start` / `npm test` come here on a fresh machine.
// It installs the pinned Bun into the user cache (from the npm registry), installs the workspace's
// packages with it, and hands over to the TypeScript stack tool (stack/src/cli.ts) running on Bun.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const versions = JSON.parse(readFileSync(join(root, "stack", "versions.json"), "utf8"));
const cacheDir = resolve(process.env.MSA_BOARD_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "msa-board"));

function step(label) {
  const started = Date.now();
  process.stderr.write(`▸ ${label}…\n`);
  return (note = "") => process.stderr.write(`✓ ${label}${note ? ` ${note}` : ""} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
}

function fail(message) {
  process.stderr.write(`\n✗ ${message}\n`);
  process.exit(1);
}

function runs(binary) {
  if (!existsSync(binary)) return false;
  const probe = spawnSync(binary, ["--version"], { encoding: "utf8" });
  return probe.status === 0;
}

function cpuHasAvx2() {
  try {
    return /\bavx2\b/.test(readFileSync("/proc/cpuinfo", "utf8"));
  } catch {
    return false;
  }
}

/** Bun from the npm registry: the `bun` package's per-platform optional dependency carries the binary. */
function ensureBun() {
  const dir = join(cacheDir, "bun", versions.bun);
  const link = join(dir, "bun-path");
  if (existsSync(link)) {
    const binary = readFileSync(link, "utf8").trim();
    if (runs(binary)) return binary;
  }
  if (process.platform !== "linux" && process.platform !== "darwin")
    fail(`unsupported platform ${process.platform}: install Bun ${versions.bun} yourself`);
  const done = step(`installing Bun ${versions.bun} from npm into ${dir}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "msa-board-bun", private: true }));
  const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", `bun@${versions.bun}`], {
    cwd: dir,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (npm.status !== 0)
    fail(`npm could not install bun@${versions.bun}; check that the npm registry is reachable (npm config get registry)`);
  const arch = process.arch === "arm64" ? "aarch64" : "x64";
  const os = process.platform;
  const flavours = arch === "x64" && cpuHasAvx2() ? ["", "-baseline"] : arch === "x64" ? ["-baseline", ""] : [""];
  for (const flavour of flavours) {
    const candidate = join(dir, "node_modules", "@oven", `bun-${os}-${arch}${flavour}`, "bin", "bun");
    if (runs(candidate)) {
      writeFileSync(link, candidate);
      done(`(${candidate.replace(cacheDir, "~cache")})`);
      return candidate;
    }
  }
  fail(`bun@${versions.bun} installed but no runnable binary was found for ${os}-${arch} under ${dir}/node_modules/@oven`);
}

/** Workspace packages: `bun install --frozen-lockfile`, skipped while the lockfile is unchanged. */
function ensureWorkspace(bun) {
  const marker = join(root, "node_modules", ".msa-board-installed");
  const lock = join(root, "bun.lock");
  if (existsSync(marker) && existsSync(lock) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  const done = step("installing workspace packages (bun install --frozen-lockfile)");
  const install = spawnSync(bun, ["install", "--frozen-lockfile"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (install.status !== 0) fail("bun install failed; see the output above");
  writeFileSync(marker, new Date().toISOString());
  done();
}

const bun = ensureBun();
ensureWorkspace(bun);

// npm runs the root's scripts in the root; INIT_CWD is the folder the command was typed in.
const callerCwd = process.cwd() === root && process.env.INIT_CWD ? resolve(process.env.INIT_CWD) : process.cwd();
const [command = "help", ...rest] = process.argv.slice(2);
const env = { ...process.env, MSA_BOARD_CACHE: cacheDir, MSA_BOARD_BUN: bun, MSA_BOARD_CALLER_CWD: callerCwd };
// `bun`: the pinned Bun itself, in the caller's folder (`npm test` in a Bun part; `npm run bun -- …`).
const child =
  command === "bun"
    ? spawn(bun, rest, { cwd: callerCwd, stdio: "inherit", env })
    : spawn(bun, [join(root, "stack", "src", "cli.ts"), command, ...rest], { cwd: root, stdio: "inherit", env });
// The stack tool owns shutdown: forward signals and exit with its code.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
