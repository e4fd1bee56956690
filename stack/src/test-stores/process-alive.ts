import { existsSync, readFileSync } from "node:fs";

/**
 * Whether a process still runs. A child that exited but was never reaped (a zombie) counts as gone:
 * after `bun test --watch` re-executes itself, the keeper it started earlier is still its child, yet
 * nothing in the new runtime waits for it.
 */
export function isAlive(pid: number): boolean {
  if (existsSync("/proc/self/stat")) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const state = stat.slice(stat.lastIndexOf(")") + 2).charAt(0);
      return state !== "Z" && state !== "X";
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until the process is gone; false when it still runs after the timeout. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}
