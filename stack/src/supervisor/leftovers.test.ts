import { afterEach, describe, expect, test } from "bun:test";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recoverPreviousRun } from "../previous-run.ts";
import { findLeftovers, stopLeftovers } from "./leftovers.ts";
import { isSameProcess, procInfo } from "./proc.ts";
import { type RunnerRecord, readRunnerRecord, runnerRecordFile, writeRunnerRecord } from "./runner-record.ts";

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {}
    child.kill("SIGKILL");
  }
});

/** A real process in its own group, as the supervisor spawns them. */
function group(script: string): ChildProcess {
  const child = spawn("sh", ["-c", script], { detached: true, stdio: "ignore" });
  started.push(child);
  return child;
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await Bun.sleep(20);
  }
}

const recordOf = (name: string, child: ChildProcess) => {
  const pid = child.pid as number;
  return { name, pid, startTicks: procInfo(pid)?.startTicks as number, stopSignal: "SIGTERM" as const };
};

/** A "runner" that is already dead: a process that ran and was reaped. */
async function deadRunner(): Promise<RunnerRecord["runner"]> {
  const runner = spawn("sleep", ["30"], { stdio: "ignore" });
  const pid = runner.pid as number;
  const startTicks = procInfo(pid)?.startTicks as number;
  runner.kill("SIGKILL");
  await new Promise((resolve) => runner.once("exit", resolve));
  return { pid, startTicks };
}

describe("leftovers of a runner that died", () => {
  test("each group is stopped: politely, then SIGKILL for one that ignores SIGTERM, and members that outlived their leader", async () => {
    const polite = group("exec sleep 600");
    const stubborn = group("trap '' TERM; sleep 600; sleep 600");
    // Its leader exits at once, leaving its background child in the group (as `deno task` can).
    const orphaned = group("sleep 600 & sleep 0.3");
    const records = [recordOf("polite", polite), recordOf("stubborn", stubborn), recordOf("orphaned", orphaned)];
    await until(() => procInfo(orphaned.pid as number) === null);
    const record: RunnerRecord = { runner: await deadRunner(), processes: records };
    expect(
      findLeftovers(record)
        .map((l) => l.name)
        .sort(),
    ).toEqual(["orphaned", "polite", "stubborn"]);
    const lines: string[] = [];
    const stopped = await stopLeftovers(record, { timeoutMs: 1_000, log: (l) => lines.push(l) });
    expect(stopped.sort()).toEqual(["orphaned", "polite", "stubborn"]);
    expect(findLeftovers(record)).toEqual([]);
    expect(lines.join("\n")).toContain("sending SIGKILL: stubborn");
  });

  test("a recorded pid that now belongs to another process is never signalled", async () => {
    const unrelated = group("exec sleep 600");
    const pid = unrelated.pid as number;
    const real = procInfo(pid)?.startTicks as number;
    const record: RunnerRecord = {
      runner: await deadRunner(),
      processes: [{ name: "postgres", pid, startTicks: real - 1, stopSignal: "SIGINT" }],
    };
    expect(findLeftovers(record)).toEqual([]);
    expect(await stopLeftovers(record, { timeoutMs: 500 })).toEqual([]);
    expect(isSameProcess(pid, real)).toBe(true);
  });

  test("recoverPreviousRun: a live runner is left alone; a dead one's processes are stopped and its record removed", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "msa-board-leftovers-"));
    try {
      const child = group("exec sleep 600");
      const self = { pid: process.pid, startTicks: procInfo(process.pid)?.startTicks as number };
      writeRunnerRecord(runnerRecordFile(dataDir), { runner: self, processes: [recordOf("redis-events", child)] });
      expect(await recoverPreviousRun(dataDir)).toEqual({ state: "running", runnerPid: process.pid });
      expect(isSameProcess(child.pid as number, recordOf("x", child).startTicks)).toBe(true);

      writeRunnerRecord(runnerRecordFile(dataDir), { runner: await deadRunner(), processes: [recordOf("redis-events", child)] });
      const result = await recoverPreviousRun(dataDir);
      expect(result).toMatchObject({ state: "cleaned", stopped: ["redis-events"] });
      expect(readRunnerRecord(runnerRecordFile(dataDir))).toBeNull();
      expect(await recoverPreviousRun(dataDir)).toEqual({ state: "none" });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
