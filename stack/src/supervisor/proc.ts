import { readdirSync, readFileSync } from "node:fs";

/**
 * A process as Linux's /proc shows it. `startTicks` (field 22 of /proc/<pid>/stat, clock ticks since
 * boot) never changes over a process's life, exec included, so pid + startTicks names one process:
 * a pid the kernel reused for something else has another start time.
 */
export type ProcInfo = { pid: number; pgid: number; startTicks: number };

export function procInfo(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  // A zombie has finished; only its parent's wait is missing.
  if (state === "Z" || state === "X") return null;
  return { pid, pgid: Number(fields[2]), startTicks: Number(fields[19]) };
}

/** True when `pid` is still the very process that was recorded with `startTicks`. */
export function isSameProcess(pid: number, startTicks: number): boolean {
  return procInfo(pid)?.startTicks === startTicks;
}

/** Every live process of a process group. */
export function groupMembers(pgid: number): ProcInfo[] {
  const members: ProcInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const info = procInfo(Number(entry));
    if (info?.pgid === pgid) members.push(info);
  }
  return members;
}

/** The process's own start time, for the record of the runner itself. */
export function ownStartTicks(): number {
  return procInfo(process.pid)?.startTicks ?? 0;
}
