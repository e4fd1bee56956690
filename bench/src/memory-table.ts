import type { Stack } from "@msa-board/stack";
import { clockTicksPerSecond, ownPssKib, type PssSplit, sampleTrees, type TreeSample } from "./proc-stats.ts";

/**
 * Σ PSS (KiB) of every stack process tree, and of this process (the runner and the bench together);
 * what each still used of a core at rest; and whether the stack settled.
 */
export type MemorySample = {
  byProcess: Record<string, number>;
  /** Each process's PSS by backing (absent in runs recorded before it was kept). */
  split?: Record<string, PssSplit>;
  idleCpu: Record<string, number>;
  runnerKib: number;
  idle: boolean;
};

/** The goal for the whole stack at idle after a bench run: 600 MB. */
export const GOAL_MB = 600;
/**
 * Settled: the whole stack under this share of one core for two seconds running. Its pollers alone
 * (relay, consumers) keep it near 10 %; a relay draining or Jaeger flushing is far above.
 */
const SETTLED_SHARE = 0.2;
/**
 * How long the stack stays settled before the sample: "at idle" is a stack left alone, not the
 * second after the load. It outlasts the services' own idle rules (packages/service-kit: a pooled
 * PostgreSQL connection closes after 30 s unused; a Bun process trims its heap after 30 s quiet
 * following real work), so the table shows what the stack holds at rest, not what a burst left.
 */
export const QUIET_SECONDS = 40;

const roots = (stack: Stack) => Object.fromEntries([...stack.processes.values()].map((p) => [p.name, p.pid]));

function shares(before: Record<string, TreeSample>, after: Record<string, TreeSample>, seconds: number): Record<string, number> {
  const hz = clockTicksPerSecond();
  return Object.fromEntries(
    Object.entries(after).map(([name, s]) => [name, (s.cpuTicks - (before[name]?.cpuTicks ?? s.cpuTicks)) / hz / seconds]),
  );
}

/**
 * Waits until the stack has stayed settled (see SETTLED_SHARE) for QUIET_SECONDS, for at most
 * `timeoutMs`, then samples PSS.
 */
export async function sampleMemoryAtRest(stack: Stack, timeoutMs = 120_000): Promise<MemorySample> {
  const deadline = Date.now() + timeoutMs;
  let before = sampleTrees(roots(stack));
  let idleCpu: Record<string, number> = {};
  let quietSeconds = 0;
  while (quietSeconds < QUIET_SECONDS && Date.now() < deadline) {
    await Bun.sleep(1_000);
    const after = sampleTrees(roots(stack));
    idleCpu = shares(before, after, 1);
    quietSeconds = Object.values(idleCpu).reduce((n, s) => n + s, 0) < SETTLED_SHARE ? quietSeconds + 1 : 0;
    before = after;
  }
  const idle = quietSeconds >= QUIET_SECONDS;
  const trees = Object.entries(sampleTrees(roots(stack)));
  const byProcess = Object.fromEntries(trees.map(([name, s]) => [name, s.pssKib]));
  const split = Object.fromEntries(trees.map(([name, s]) => [name, s.split]));
  return { byProcess, split, idleCpu, runnerKib: ownPssKib(), idle };
}

const mib = (kib: number) => (kib / 1024).toFixed(0);
const percent = (share: number | undefined) => (share === undefined ? "–" : `${(share * 100).toFixed(1)} %`);

const splitCells = (split: PssSplit | undefined) =>
  split ? ` ${mib(split.anonKib)} | ${mib(split.fileKib)} | ${mib(split.shmemKib)} |` : " – | – | – |";

/**
 * PSS by process, the biggest first, split into anonymous, file-backed and shared memory; the stack
 * total against the goal; the runner + bench apart (it also holds the bench).
 */
export function renderMemoryTable(m: MemorySample): string {
  const rows = Object.entries(m.byProcess).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((n, [, kib]) => n + kib, 0);
  const kinds = m.split ? Object.values(m.split) : [];
  const totalSplit = m.split
    ? {
        anonKib: kinds.reduce((n, s) => n + s.anonKib, 0),
        fileKib: kinds.reduce((n, s) => n + s.fileKib, 0),
        shmemKib: kinds.reduce((n, s) => n + s.shmemKib, 0),
      }
    : undefined;
  const cpuTotal = Object.values(m.idleCpu).reduce((n, s) => n + s, 0);
  const goalMib = (GOAL_MB * 1e6) / 2 ** 20;
  const verdict = total / 1024 <= goalMib ? "met" : `not met (${mib(total - goalMib * 1024)} MiB over)`;
  const when = m.idle
    ? `at rest after the load (${QUIET_SECONDS} s settled)`
    : `after the load (the stack did not settle under 20 % of a core for ${QUIET_SECONDS} s within 2 min)`;
  return [
    `| process, ${when} | PSS (MiB) | anonymous | file | shmem | CPU (% of a core, last second) |`,
    "|---|---:|---:|---:|---:|---:|",
    ...rows.map(([name, kib]) => `| ${name} | ${mib(kib)} |${splitCells(m.split?.[name])} ${percent(m.idleCpu[name])} |`),
    `| **stack total** (goal ≤ ${GOAL_MB} MB = ${goalMib.toFixed(0)} MiB: ${verdict}) | **${mib(total)}** |${splitCells(totalSplit)} ${percent(cpuTotal)} |`,
    `| bench process (stack runner + the bench; not in the total) | ${mib(m.runnerKib)} | – | – | – | – |`,
  ].join("\n");
}
