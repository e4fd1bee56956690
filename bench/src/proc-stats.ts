import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time and memory of process trees, read from /proc (Linux): what a process and every
 * descendant used, so `deno task` → deno, the postmaster → its backends count as one.
 */

/** PSS split by what backs the pages: anonymous (heaps), file (binaries, libraries), shmem (PostgreSQL's shared buffers). */
export type PssSplit = { anonKib: number; fileKib: number; shmemKib: number };

export type TreeSample = { cpuTicks: number; pssKib: number; split: PssSplit; pids: number[] };

type ProcStat = { pid: number; ppid: number; ticks: number };

/** utime + stime + cutime + cstime: a reaped child's time moves into its parent's c-fields, so a tree's sum never loses it. */
function readStat(pid: number): ProcStat | null {
  try {
    const raw = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: split after its last ')'.
    const fields = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
    const num = (i: number) => Number(fields[i - 3]);
    return { pid, ppid: num(4), ticks: num(14) + num(15) + num(16) + num(17) };
  } catch {
    return null;
  }
}

type Pss = PssSplit & { pssKib: number };

const NO_PSS: Pss = { pssKib: 0, anonKib: 0, fileKib: 0, shmemKib: 0 };

/** Proportional set size: shared pages (PostgreSQL's shared buffers, a runtime's mapped code) split among their sharers, so sums add up. */
function readPss(pid: number): Pss {
  let rollup: string;
  try {
    rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  } catch {
    return NO_PSS;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(rollup)?.[1] ?? 0);
  return { pssKib: field("Pss"), anonKib: field("Pss_Anon"), fileKib: field("Pss_File"), shmemKib: field("Pss_Shmem") };
}

const readPssKib = (pid: number) => readPss(pid).pssKib;

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** One sample per named root pid: the summed CPU ticks and PSS of the root and all its descendants. */
export function sampleTrees(roots: Record<string, number | undefined>): Record<string, TreeSample> {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const result: Record<string, TreeSample> = {};
  for (const [name, root] of Object.entries(roots)) {
    const first = root === undefined ? undefined : byPid.get(root);
    if (!first) continue;
    const tree: ProcStat[] = [];
    const queue = [first];
    while (queue.length > 0) {
      const next = queue.shift() as ProcStat;
      tree.push(next);
      queue.push(...(children.get(next.pid) ?? []));
    }
    const pss = tree.map((s) => readPss(s.pid));
    const sum = (key: keyof Pss) => pss.reduce((n, p) => n + p[key], 0);
    result[name] = {
      cpuTicks: tree.reduce((n, s) => n + s.ticks, 0),
      pssKib: sum("pssKib"),
      split: { anonKib: sum("anonKib"), fileKib: sum("fileKib"), shmemKib: sum("shmemKib") },
      pids: tree.map((s) => s.pid),
    };
  }
  return result;
}

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second (USER_HZ), from `getconf CLK_TCK`. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const out = Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim();
    const n = Number(out);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`getconf CLK_TCK gave ${JSON.stringify(out)}; install getconf (libc-bin)`);
    ticksPerSecond = n;
  }
  return ticksPerSecond;
}

/** CPU seconds each tree used between two samples (trees missing from either are left out). */
export function cpuSecondsBetween(before: Record<string, TreeSample>, after: Record<string, TreeSample>): Record<string, number> {
  const hz = clockTicksPerSecond();
  const out: Record<string, number> = {};
  for (const [name, end] of Object.entries(after)) {
    const start = before[name];
    if (start) out[name] = (end.cpuTicks - start.cpuTicks) / hz;
  }
  return out;
}

/**
 * CPU seconds this process itself has used (utime + stime, all its threads), without its children:
 * in the bench that is the stack runner piping every service's output, and the bench's own work.
 */
export function ownCpuSeconds(): number {
  const raw = readFileSync("/proc/self/stat", "utf8");
  const fields = raw.slice(raw.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[14 - 3]) + Number(fields[15 - 3])) / clockTicksPerSecond();
}

/** This process's proportional set size, KiB. */
export function ownPssKib(): number {
  return readPssKib(process.pid);
}
