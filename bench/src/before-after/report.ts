import type { CpuCase } from "../cpu-table.ts";
import { QUIET_SECONDS } from "../memory-table.ts";
import { median, medianRange } from "../spread.ts";
import type { SideRun } from "./run.ts";

const cell = medianRange;
/** CPU milliseconds per request of one process (or of all, `totalMs`), as the CPU table computes them. */
const perRequestMs = (c: CpuCase, name: string) =>
  c.served > 0 && c.cpuS[name] !== undefined ? (c.cpuS[name] * 1000) / c.served : undefined;
export const totalMs = (c: CpuCase) => (c.served > 0 ? (Object.values(c.cpuS).reduce((a, b) => a + b, 0) * 1000) / c.served : Number.NaN);

/** The process columns, busiest first, as they appear in any run. */
function processNames(runs: SideRun[]): string[] {
  const sums = new Map<string, number>();
  for (const r of runs)
    for (const p of r.paths) for (const n of Object.keys(p.cpuS)) sums.set(n, (sums.get(n) ?? 0) + (perRequestMs(p, n) ?? 0));
  return [...sums.entries()].sort((a, b) => b[1] - a[1]).map(([n]) => n);
}

export function renderBeforeAfter(runs: SideRun[], meta: { started: string; rounds: number; seconds: number }): string {
  const sides = [...new Set(runs.map((r) => r.side))];
  const revisions = sides.map((s) => `${s} = ${runs.find((r) => r.side === s)?.revision}`).join(", ");
  const names = processNames(runs);
  const pathNames = [...new Set(runs.flatMap((r) => r.paths.map((p) => p.label)))];
  const lines = [
    "## Before / after — the same measurements on two revisions",
    "",
    `Latest \`npm run bench -- before-after\` (started ${meta.started}): ${revisions}. ${meta.rounds} runs per side, ` +
      "alternating which side goes first; each run starts the side's own stack fresh (its own code and configs, test " +
      `settings), seeds 10,000 postings and measures GET /postings?limit=20 as "where the CPU goes" does (\`wrk -t1 -c16\`, 5 s warm-up, ${meta.seconds} s measured). ` +
      "CPU per request is each process tree's utime+stime from /proc over the run divided by the requests served; " +
      "the stack runner is the bench process (it supervises the stack and takes its logs). " +
      "Medians, [min–max] across runs. Raw runs: [`results/before-after.json`](results/before-after.json).",
    "",
    `Load average (1 min) when each run began: ${runs.map((r) => `${r.side} ${r.round}: ${r.loadAverage[0]}`).join(", ")}.`,
    "",
    `| path | side | req/s | CPU ms / request | ${names.join(" | ")} |`,
    `|---|---|---|---|${names.map(() => "---").join("|")}|`,
  ];
  for (const path of pathNames) {
    for (const side of sides) {
      const ps = runs.filter((r) => r.side === side).flatMap((r) => r.paths.filter((p) => p.label === path));
      if (ps.length === 0) continue;
      const perProcess = names.map((n) => {
        const xs = ps.map((p) => perRequestMs(p, n)).filter((x): x is number => x !== undefined);
        return xs.length ? median(xs).toFixed(3) : "–";
      });
      lines.push(
        `| ${path} | ${side} | ${cell(
          ps.map((p) => p.throughput),
          0,
        )} | ${cell(ps.map(totalMs), 3)} | ${perProcess.join(" | ")} |`,
      );
    }
  }
  const mib = (r: SideRun) => Object.fromEntries(Object.entries(r.memory.byProcess).map(([n, kib]) => [n, kib / 1024]));
  const memoryNames = [...new Set(runs.flatMap((r) => Object.keys(mib(r))))];
  lines.push(
    "",
    `Memory once the stack has settled after the load (${QUIET_SECONDS} s at rest; Σ PSS in MiB per process tree, from /proc/<pid>/smaps_rollup; median of runs):`,
    "",
  );
  lines.push(`| side | ${memoryNames.join(" | ")} | **stack total** [range] |`, `|---|${memoryNames.map(() => "---").join("|")}|---|`);
  for (const side of sides) {
    const mine = runs.filter((r) => r.side === side);
    const totals = mine.map((r) => Object.values(mib(r)).reduce((a, b) => a + b, 0));
    lines.push(
      `| ${side} | ${memoryNames.map((n) => median(mine.map((r) => mib(r)[n] ?? 0)).toFixed(0)).join(" | ")} | **${cell(totals, 0)}** |`,
    );
  }
  if (runs.some((r) => r.events)) {
    lines.push("", "| events (10,000-row burst; 1,000 renames at 25/s for the lag) | side | median [range] |", "|---|---|---|");
    const metrics: Array<[string, (e: NonNullable<SideRun["events"]>) => number, number]> = [
      ["relay, events/s", (e) => e.relayPerSecond, 0],
      ["end to end (applied by postings), events/s", (e) => e.endToEndPerSecond, 0],
      ["idle lag p50, ms", (e) => e.lagP50Ms, 1],
      ["idle lag p99, ms", (e) => e.lagP99Ms, 1],
    ];
    for (const [label, pick, digits] of metrics)
      for (const side of sides) {
        const xs = runs.filter((r) => r.side === side && r.events).map((r) => pick(r.events as NonNullable<SideRun["events"]>));
        lines.push(`| ${label} | ${side} | ${cell(xs, digits)} |`);
      }
  }
  return lines.join("\n");
}
