import { readdirSync, readFileSync } from "node:fs";
import { clockTicksPerSecond } from "./proc-stats.ts";

/**
 * CPU by thread, from /proc/<pid>/task: which thread of a runtime did the work (the event loop,
 * JavaScriptCore's JIT and GC helpers, Envoy's workers, Go's threads) and how much of it in the kernel
 * (stime: syscalls, the loopback TCP stack) rather than in the process's own code (utime). The
 * binaries from the registries are stripped, so this split is what can be named without symbols.
 */

/** Ticks per thread id, with the thread's name (comm) when sampled. */
export type ThreadSample = Map<number, { pid: number; name: string; user: number; system: number }>;

function readTask(pid: number, tid: number) {
  try {
    const raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    const name = raw.slice(raw.indexOf("(") + 1, raw.lastIndexOf(")"));
    const fields = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
    return { pid, name, user: Number(fields[14 - 3]), system: Number(fields[15 - 3]) };
  } catch {
    return null; // the thread (or process) ended between the listing and the read
  }
}

/** Every thread of these processes, now. */
export function sampleThreads(pids: number[]): ThreadSample {
  const out: ThreadSample = new Map();
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const task = readTask(pid, Number(tid));
      if (task) out.set(Number(tid), task);
    }
  }
  return out;
}

export type ThreadCpu = { name: string; userS: number; systemS: number };

/**
 * CPU seconds per thread name between two samples, threads of the same name summed, the busiest
 * first. A thread born in between counts from zero; one that ended in between is missing (its time
 * is no longer listed per thread), so sample around a steady load.
 */
export function threadCpuBetween(before: ThreadSample, after: ThreadSample): ThreadCpu[] {
  return threadCpuBy(before, after, (_tid, thread) => thread.name);
}

/**
 * The same, with threads put into groups by `groupOf` (e.g. a process's main thread by its id, its
 * workers by a name prefix); `name` of each row is the group.
 */
export function threadCpuBy(
  before: ThreadSample,
  after: ThreadSample,
  groupOf: (tid: number, thread: { pid: number; name: string }) => string,
): ThreadCpu[] {
  const hz = clockTicksPerSecond();
  const byGroup = new Map<string, ThreadCpu>();
  for (const [tid, end] of after) {
    const start = before.get(tid);
    const user = end.user - (start?.user ?? 0);
    const system = end.system - (start?.system ?? 0);
    const group = groupOf(tid, end);
    const row = byGroup.get(group) ?? { name: group, userS: 0, systemS: 0 };
    row.userS += user / hz;
    row.systemS += system / hz;
    byGroup.set(group, row);
  }
  return [...byGroup.values()].sort((a, b) => b.userS + b.systemS - (a.userS + a.systemS));
}
