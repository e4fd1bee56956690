import type { Stack } from "@msa-board/stack";
import { clockTicksPerSecond, ownPssKib, sampleTrees } from "./proc-stats.ts";

/** Σ PSS (KiB) of every stack process tree, and of this process (the runner and the bench together). */
export type MemorySample = { byProcess: Record<string, number>; runnerKib: number; idle: boolean };

/** The goal for the whole stack at idle after a bench run: 600 MB. */
export const GOAL_MB = 600;

const roots = (stack: Stack) => Object.fromEntries([...stack.processes.values()].map((p) => [p.name, p.pid]));
const stackTicks = (stack: Stack) => Object.values(sampleTrees(roots(stack))).reduce((n, s) => n + s.cpuTicks, 0);

/**
 * Waits until the stack is idle — its processes together used under 5 % of one core over the last
 * half second (a relay draining or Jaeger flushing is still work) — for at most `timeoutMs`.
 */
export async function waitForIdle(stack: Stack, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = stackTicks(stack);
  while (Date.now() < deadline) {
    await Bun.sleep(500);
    const now = stackTicks(stack);
    if ((now - last) / clockTicksPerSecond() < 0.025) return true;
    last = now;
  }
  return false;
}

export function sampleMemory(stack: Stack, idle: boolean): MemorySample {
  const byProcess = Object.fromEntries(Object.entries(sampleTrees(roots(stack))).map(([name, s]) => [name, s.pssKib]));
  return { byProcess, runnerKib: ownPssKib(), idle };
}

const mib = (kib: number) => (kib / 1024).toFixed(0);

/** PSS by process, the biggest first; the stack total against the goal; the runner + bench apart (it also holds the bench). */
export function renderMemoryTable(m: MemorySample): string {
  const rows = Object.entries(m.byProcess).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((n, [, kib]) => n + kib, 0);
  const goalMib = (GOAL_MB * 1e6) / 2 ** 20;
  const verdict = total / 1024 <= goalMib ? "met" : `not met (${mib(total - goalMib * 1024)} MiB over)`;
  return [
    `| PSS by process${m.idle ? ", at idle after the load" : ", after the load (the stack did not go idle within 30 s)"} | MiB |`,
    "|---|---:|",
    ...rows.map(([name, kib]) => `| ${name} | ${mib(kib)} |`),
    `| **stack total** (goal ≤ ${GOAL_MB} MB = ${goalMib.toFixed(0)} MiB: ${verdict}) | **${mib(total)}** |`,
    `| bench process (stack runner + the bench; not in the total) | ${mib(m.runnerKib)} |`,
  ].join("\n");
}
