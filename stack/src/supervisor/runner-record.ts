import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isSameProcess } from "./proc.ts";

/** One supervised process group, as the runner spawned it (each child leads its own group). */
export type ProcessRecord = { name: string; pid: number; startTicks: number; stopSignal: NodeJS.Signals };

/**
 * What a runner leaves in its data folder while it runs — like PostgreSQL's postmaster.pid — so the
 * next `npm start` or `npm run stack -- stop` can tell a live stack from one whose runner died, and
 * find that runner's processes without trusting a bare pid.
 */
export type RunnerRecord = {
  runner: { pid: number; startTicks: number };
  controlUrl?: string;
  processes: ProcessRecord[];
};

export const runnerRecordFile = (dataDir: string) => join(dataDir, "runner.json");

/** Written whole and renamed into place, so a runner killed mid-write never leaves half a file. */
export function writeRunnerRecord(file: string, record: RunnerRecord): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(record, null, 2), { mode: 0o600 });
  renameSync(temporary, file);
}

export function readRunnerRecord(file: string): RunnerRecord | null {
  try {
    const record = JSON.parse(readFileSync(file, "utf8")) as RunnerRecord;
    return Array.isArray(record.processes) && typeof record.runner?.pid === "number" ? record : null;
  } catch {
    return null;
  }
}

export function removeRunnerRecord(file: string): void {
  rmSync(file, { force: true });
}

export function runnerAlive(record: RunnerRecord): boolean {
  return isSameProcess(record.runner.pid, record.runner.startTicks);
}
