import { afterAll, describe, expect, test } from "bun:test";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../src/config.ts";
import { freePorts, type Ports, portEnvNames, portIsFree, portNames } from "../src/ports.ts";
import { findLeftovers } from "../src/supervisor/leftovers.ts";
import { type RunnerRecord, readRunnerRecord, runnerRecordFile } from "../src/supervisor/runner-record.ts";

/**
 * A real `npm start` runner (the dev stack, every port moved to a free one, its own data folder),
 * SIGKILLed the way an OOM kill or a closed terminal ends it.
 */
const dataDir = mkdtempSync(join(tmpdir(), "msa-board-recovery-"));
const cli = join(repoRoot, "stack", "src", "cli.ts");
const ports: Ports = await freePorts();
const portEnv = Object.fromEntries(portNames.map((name) => [portEnvNames[name], String(ports[name])]));
const runners: ChildProcess[] = [];

afterAll(() => {
  spawnSync(process.execPath, [cli, "stop", "--data-dir", dataDir], { env: { ...process.env, ...portEnv }, stdio: "ignore" });
  rmSync(dataDir, { recursive: true, force: true });
});

function startRunner(env: Record<string, string> = {}): { runner: ChildProcess; output: () => string } {
  let output = "";
  const runner = spawn(process.execPath, [cli, "start", "--data-dir", dataDir, "--quiet"], {
    env: { ...process.env, ...portEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  runner.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  runner.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  runners.push(runner);
  return { runner, output: () => output };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000}s`);
    await Bun.sleep(200);
  }
}

async function startedStack(env: Record<string, string> = {}): Promise<{ runner: ChildProcess; record: RunnerRecord }> {
  const { runner, output } = startRunner(env);
  await until(() => output().includes(" is up in "), 180_000, `the runner starting\n${output()}`);
  const record = readRunnerRecord(runnerRecordFile(dataDir));
  if (!record) throw new Error("the runner left no runner.json");
  expect(record.runner.pid).toBe(runner.pid as number);
  return { runner, record };
}

const allPortsFree = async () => (await Promise.all(portNames.map((n) => portIsFree(ports[n])))).every(Boolean);

describe("the runner SIGKILLed: nothing is left behind, or the next start recovers", () => {
  test("without parent-death signals the children outlive it; `npm run stack -- stop` stops them and frees every port", async () => {
    const { runner, record } = await startedStack({ MSA_BOARD_PDEATHSIG: "off" });
    expect(record.processes.map((p) => p.name)).toEqual(
      expect.arrayContaining(["gateway", "jaeger", "notices", "postgres", "postings", "redis-events", "redis-notices", "users"]),
    );
    runner.kill("SIGKILL");
    await new Promise((resolve) => runner.once("exit", resolve));
    expect(findLeftovers(record).length).toBe(record.processes.length);

    // `status` explains a silent control API: the runner is gone, and what it left running.
    const { MSA_STACK_FILE: _testStack, ...env } = process.env;
    const status = spawnSync(process.execPath, [cli, "status"], { env: { ...env, ...portEnv, MSA_BOARD_DATA: dataDir }, encoding: "utf8" });
    expect(status.status).toBe(1);
    expect(status.stderr).toContain(`the runner (pid ${record.runner.pid}) is gone; still running without it: `);

    const stop = spawnSync(process.execPath, [cli, "stop", "--data-dir", dataDir], {
      env: { ...process.env, ...portEnv },
      encoding: "utf8",
    });
    expect(stop.status).toBe(0);
    expect(stop.stdout).toContain("stopping what the previous runner");
    expect(findLeftovers(record)).toEqual([]);
    expect(existsSync(runnerRecordFile(dataDir))).toBe(false);
    await until(allPortsFree, 10_000, "every port free");
  }, 240_000);

  test("the next `npm start` stops a dead runner's leftovers, then starts normally", async () => {
    const first = await startedStack({ MSA_BOARD_PDEATHSIG: "off" });
    first.runner.kill("SIGKILL");
    await new Promise((resolve) => first.runner.once("exit", resolve));
    expect(findLeftovers(first.record).length).toBe(first.record.processes.length);

    const { runner, output } = startRunner();
    await until(() => output().includes(" is up in "), 180_000, `the second start\n${output()}`);
    expect(output()).toContain(`stopping what the previous runner (pid ${first.record.runner.pid}) left running`);
    expect(findLeftovers(first.record)).toEqual([]);
    runner.kill("SIGTERM");
    expect(await new Promise<number | null>((resolve) => runner.once("exit", resolve))).toBe(0);
    expect(existsSync(runnerRecordFile(dataDir))).toBe(false);
    await until(allPortsFree, 10_000, "every port free");
  }, 360_000);

  test("with parent-death signals (Linux setpriv), the children stop by themselves when the runner is SIGKILLed", async () => {
    const { runner, record } = await startedStack();
    runner.kill("SIGKILL");
    await new Promise((resolve) => runner.once("exit", resolve));
    // Each child got its own stop signal from the kernel and shut down cleanly.
    await until(() => findLeftovers(record).length === 0, 30_000, `children gone (left: ${findLeftovers(record).map((l) => l.name)})`);
    await until(allPortsFree, 10_000, "every port free");
  }, 240_000);
});
