import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { findLeftovers, stopLeftovers } from "./supervisor/leftovers.ts";
import { isSameProcess } from "./supervisor/proc.ts";
import { readRunnerRecord, removeRunnerRecord, runnerAlive, runnerRecordFile } from "./supervisor/runner-record.ts";

export type PreviousRun =
  | { state: "none" }
  | { state: "running"; runnerPid: number; controlUrl?: string }
  | { state: "cleaned"; runnerPid: number; stopped: string[] };

/**
 * What the last runner on this data folder left: nothing, a runner still running (leave it be), or
 * the processes of a runner that died (SIGKILL, OOM, a closed terminal), which are stopped here.
 */
export async function recoverPreviousRun(dataDir: string, log: (line: string) => void = () => {}): Promise<PreviousRun> {
  const file = runnerRecordFile(dataDir);
  const record = readRunnerRecord(file);
  if (!record) return { state: "none" };
  if (runnerAlive(record)) return { state: "running", runnerPid: record.runner.pid, controlUrl: record.controlUrl };
  const stopped = await stopLeftovers(record, { log });
  removeRunnerRecord(file);
  return { state: "cleaned", runnerPid: record.runner.pid, stopped };
}

/**
 * `npm run stack -- stop`: asks a live runner to stop (SIGTERM, the same as Ctrl-C) and waits for
 * it; stops a dead runner's leftovers itself.
 */
export async function stopStack(dataDir: string, log: (line: string) => void, { timeoutMs = 90_000 } = {}): Promise<number> {
  const file = runnerRecordFile(dataDir);
  const record = readRunnerRecord(file);
  if (!record) {
    log(`no msa-board runs on ${dataDir} (no ${file})`);
    return 0;
  }
  if (runnerAlive(record)) {
    log(`stopping the runner (pid ${record.runner.pid}) and everything it runs…`);
    process.kill(record.runner.pid, "SIGTERM");
    const deadline = Date.now() + timeoutMs;
    while (isSameProcess(record.runner.pid, record.runner.startTicks) && Date.now() < deadline) await Bun.sleep(200);
    if (isSameProcess(record.runner.pid, record.runner.startTicks)) {
      log(`the runner did not stop within ${timeoutMs / 1000}s; killing it and its processes`);
      process.kill(record.runner.pid, "SIGKILL");
    }
  }
  const stopped = await stopLeftovers(record, { log });
  removeRunnerRecord(file);
  log(stopped.length > 0 ? `stopped ${stopped.join(", ")}` : "stopped");
  return 0;
}

/** For `status` when the control API is silent: why, and what is still running. */
export function describeDeadRunner(dataDir: string): string | null {
  const record = readRunnerRecord(runnerRecordFile(dataDir));
  if (!record || runnerAlive(record)) return null;
  const left = findLeftovers(record);
  if (left.length === 0) return `the runner (pid ${record.runner.pid}) is gone and left nothing running`;
  return (
    `the runner (pid ${record.runner.pid}) is gone; still running without it: ${left.map((l) => `${l.name} (pid ${l.pgid})`).join(", ")}.\n` +
    "  `npm run stack -- stop` stops them; `npm start` does too before it starts."
  );
}

/**
 * Throw-away stacks (npm test, bench, the soak) live in fresh temporary folders, so a later run never
 * meets their leftovers on its own data folder: look for dead runners' folders there instead.
 */
export async function stopDeadThrowawayStacks(parent: string, log: (line: string) => void = () => {}): Promise<string[]> {
  const cleaned: string[] = [];
  if (!existsSync(parent)) return cleaned;
  for (const entry of readdirSync(parent)) {
    if (!/^msa-board-(test|bench|soak)-/.test(entry)) continue;
    const dir = join(parent, entry);
    const record = readRunnerRecord(runnerRecordFile(dir));
    if (!record || runnerAlive(record)) continue;
    const result = await recoverPreviousRun(dir, log);
    if (result.state === "cleaned" && result.stopped.length > 0) cleaned.push(dir);
  }
  return cleaned;
}
