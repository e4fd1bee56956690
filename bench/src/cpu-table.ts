import type { Stack } from "@msa-board/stack";
import type { GeneratorRun } from "./load/generator-run.ts";
import { cpuSecondsBetween, ownCpuSeconds, sampleTrees } from "./proc-stats.ts";

/** Where the CPU of one load run went: CPU seconds by process, and the requests they served. */
export type CpuCase = { label: string; served: number; throughput: number; cpuS: Record<string, number> };

export const RUNNER = "stack runner (this process: pipes the services' output)";
export const generatorRow = (name: string) => `load generator (${name})`;

const roots = (stack: Stack) => Object.fromEntries([...stack.processes.values()].map((p) => [p.name, p.pid]));

/**
 * Runs `load` with every stack process tree (from /proc: children included, so PostgreSQL's
 * backends count), this process (the runner, without its children) and the load generator's child
 * (its rusage) measured around it. Start it warm: the whole run is the window.
 */
export async function measureCpu(stack: Stack, label: string, generator: string, load: () => Promise<GeneratorRun>) {
  const before = sampleTrees(roots(stack));
  const runnerBefore = ownCpuSeconds();
  const run = await load();
  const runner = ownCpuSeconds() - runnerBefore;
  const cpuS = { ...cpuSecondsBetween(before, sampleTrees(roots(stack))), [RUNNER]: runner, [generatorRow(generator)]: run.generatorCpuS };
  return { run, cpu: { label, served: run.ok, throughput: run.throughput, cpuS } satisfies CpuCase };
}

const perRequest = (c: CpuCase, name: string) => {
  const s = c.cpuS[name];
  return s === undefined || c.served === 0 ? undefined : (s * 1000) / c.served;
};
const cell = (ms: number | undefined) => (ms === undefined ? "–" : ms.toFixed(2));

/** One column per case, one row per process (the busiest first), then the total and the throughput. */
export function renderCpuTable(cases: CpuCase[]): string {
  const names = [...new Set(cases.flatMap((c) => Object.keys(c.cpuS)))];
  const busiest = (name: string) => Math.max(...cases.map((c) => perRequest(c, name) ?? 0));
  // The stack's own processes by cost; the runner and the load generator last, so a reader sees them apart.
  const own = (name: string) => name === RUNNER || name.startsWith("load generator");
  const ordered = [...names.filter((n) => !own(n)).sort((a, b) => busiest(b) - busiest(a)), ...names.filter(own)];
  const lines = [
    `| CPU ms per request, by process | ${cases.map((c) => c.label).join(" | ")} |`,
    `|---|${cases.map(() => "---:").join("|")}|`,
  ];
  for (const name of ordered) lines.push(`| ${name} | ${cases.map((c) => cell(perRequest(c, name))).join(" | ")} |`);
  const total = (c: CpuCase) => (c.served === 0 ? undefined : (Object.values(c.cpuS).reduce((n, s) => n + s, 0) * 1000) / c.served);
  lines.push(`| **total** | ${cases.map((c) => `**${cell(total(c))}**`).join(" | ")} |`);
  lines.push(`| throughput (req/s) | ${cases.map((c) => c.throughput.toFixed(0)).join(" | ")} |`);
  return lines.join("\n");
}
