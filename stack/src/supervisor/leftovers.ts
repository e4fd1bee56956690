import { groupMembers, procInfo } from "./proc.ts";
import type { RunnerRecord } from "./runner-record.ts";

export type Leftover = { name: string; pgid: number; pids: number[]; stopSignal: NodeJS.Signals };

/**
 * The recorded process groups that still have live members. A leader that is alive with another
 * start time is an unrelated process that got the pid again: its group is left alone. A dead
 * leader's group can outlive it (e.g. `deno task`'s child); while any member lives the kernel does
 * not hand the group's number to a new process, so those members are still ours.
 */
export function findLeftovers(record: RunnerRecord): Leftover[] {
  const found: Leftover[] = [];
  for (const p of record.processes) {
    const leader = procInfo(p.pid);
    if (leader && leader.startTicks !== p.startTicks) continue;
    const members = groupMembers(p.pid).filter((m) => m.startTicks >= p.startTicks);
    if (members.length > 0) found.push({ name: p.name, pgid: p.pid, pids: members.map((m) => m.pid), stopSignal: p.stopSignal });
  }
  return found;
}

/** The signal, then SIGCONT: a process left stopped (SIGSTOP by a chaos run) acts on it only once continued. */
function signal(leftover: Leftover, sig: NodeJS.Signals): void {
  for (const s of sig === "SIGKILL" ? [sig] : [sig, "SIGCONT" as const]) {
    try {
      process.kill(-leftover.pgid, s);
    } catch {
      for (const pid of leftover.pids) {
        try {
          process.kill(pid, s);
        } catch {
          // Gone already.
        }
      }
    }
  }
}

async function waitGone(record: RunnerRecord, timeoutMs: number): Promise<Leftover[]> {
  const deadline = Date.now() + timeoutMs;
  let left = findLeftovers(record);
  while (left.length > 0 && Date.now() < deadline) {
    await Bun.sleep(100);
    left = findLeftovers(record);
  }
  return left;
}

export type StopLeftoversOptions = { timeoutMs?: number; log?: (line: string) => void };

/**
 * Stops what a dead runner left running: each group gets its own stop signal (PostgreSQL SIGINT,
 * the rest SIGTERM), then SIGKILL once `timeoutMs` has passed. Returns the names it stopped.
 */
export async function stopLeftovers(record: RunnerRecord, { timeoutMs = 15_000, log = () => {} }: StopLeftoversOptions = {}) {
  const leftovers = findLeftovers(record);
  if (leftovers.length === 0) return [];
  log(`stopping what the previous runner (pid ${record.runner.pid}) left running: ${leftovers.map((l) => l.name).join(", ")}`);
  for (const leftover of leftovers) signal(leftover, leftover.stopSignal);
  const stubborn = await waitGone(record, timeoutMs);
  if (stubborn.length > 0) {
    log(`still running after ${timeoutMs / 1000}s, sending SIGKILL: ${stubborn.map((l) => l.name).join(", ")}`);
    for (const leftover of stubborn) signal(leftover, "SIGKILL");
    const survivors = await waitGone(record, 5_000);
    if (survivors.length > 0) throw new Error(`could not stop ${survivors.map((s) => `${s.name} (pids ${s.pids.join(" ")})`).join(", ")}`);
  }
  return leftovers.map((l) => l.name);
}
