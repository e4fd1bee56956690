import type { CpuCase } from "../cpu-table.ts";
import { median, medianRange } from "../spread.ts";
import type { TaxWindow } from "./window.ts";

/** CPU milliseconds per request served: of one process, or (no name) of everything measured. */
export function msPerRequest(c: CpuCase, name?: string): number | undefined {
  if (c.served === 0) return undefined;
  const s = name === undefined ? Object.values(c.cpuS).reduce((a, b) => a + b, 0) : c.cpuS[name];
  return s === undefined ? undefined : (s * 1000) / c.served;
}

/** The traced and the untraced window of each round that has both, in round order. */
export function pairs(windows: TaxWindow[]): Array<{ round: number; traced: TaxWindow; untraced: TaxWindow }> {
  const rounds = [...new Set(windows.map((w) => w.round))].sort((a, b) => a - b);
  return rounds.flatMap((round) => {
    const traced = windows.find((w) => w.round === round && w.side === "traced");
    const untraced = windows.find((w) => w.round === round && w.side === "untraced");
    return traced && untraced ? [{ round, traced, untraced }] : [];
  });
}

/**
 * Per round: traced ÷ untraced throughput (what the goal names; on a shared machine it moves with
 * whatever else runs), and untraced ÷ traced CPU per request (the same ratio as the machine would
 * give were it CPU-bound and alone: robust to other load, since it counts only this stack's CPU).
 */
export function ratios(windows: TaxWindow[]) {
  const ps = pairs(windows);
  return {
    throughput: ps.map((p) => p.traced.cpu.throughput / p.untraced.cpu.throughput),
    cpu: ps.map((p) => (msPerRequest(p.untraced.cpu) as number) / (msPerRequest(p.traced.cpu) as number)),
  };
}

const pick = (windows: TaxWindow[], side: TaxWindow["side"]) => windows.filter((w) => w.side === side);
const cell = (xs: number[], digits = 3) => medianRange(xs, digits);
const defined = (xs: Array<number | undefined>) => xs.filter((x): x is number => x !== undefined);
/** Median of the per-round differences traced − untraced (pairs share a round's machine state). */
const diffCell = (windows: TaxWindow[], f: (w: TaxWindow) => number | undefined) => {
  const ds = pairs(windows).flatMap((p) => {
    const t = f(p.traced);
    const u = f(p.untraced);
    return t === undefined || u === undefined ? [] : [t - u];
  });
  return ds.length ? `${median(ds) >= 0 ? "+" : ""}${median(ds).toFixed(3)}` : "–";
};

/** Per process tree, the busiest in the traced windows first; then the runner and the load generator as measured. */
function processTable(windows: TaxWindow[], l: Labels): string[] {
  const names = [...new Set(windows.flatMap((w) => Object.keys(w.cpu.cpuS)))];
  const tracedMedian = (n: string) => median(defined(pick(windows, "traced").map((w) => msPerRequest(w.cpu, n))));
  names.sort((a, b) => (tracedMedian(b) || 0) - (tracedMedian(a) || 0));
  const lines = [`| CPU ms per request, by process | ${l.untraced} | ${l.traced} | Δ (median of rounds) |`, "|---|---|---|---|"];
  const row = (label: string, f: (w: TaxWindow) => number | undefined) =>
    `| ${label} | ${cell(defined(pick(windows, "untraced").map(f)))} | ${cell(defined(pick(windows, "traced").map(f)))} | ${diffCell(windows, f)} |`;
  for (const n of names) lines.push(row(n, (w) => msPerRequest(w.cpu, n)));
  lines.push(row("**total**", (w) => msPerRequest(w.cpu)));
  lines.push(
    `| throughput (req/s) | ${cell(
      pick(windows, "untraced").map((w) => w.cpu.throughput),
      0,
    )} | ${cell(
      pick(windows, "traced").map((w) => w.cpu.throughput),
      0,
    )} | |`,
  );
  return lines;
}

const threadMs = (w: TaxWindow, process: string, thread: string, part: "userS" | "systemS") => {
  const t = w.threads[process]?.find((r) => r.name === thread);
  return t && w.cpu.served ? (t[part] * 1000) / w.cpu.served : undefined;
};

/** Per thread name of the split-out processes: user and kernel CPU per request, each side's median, and the difference. */
function threadTable(windows: TaxWindow[], l: Labels): string[] {
  const lines = [
    `| process · thread | user, ${l.untraced} | user, ${l.traced} | user Δ | kernel, ${l.untraced} | kernel, ${l.traced} | kernel Δ |`,
    "|---|---|---|---|---|---|---|",
  ];
  const processes = [...new Set(windows.flatMap((w) => Object.keys(w.threads)))];
  for (const process of processes) {
    const threads = [...new Set(windows.flatMap((w) => (w.threads[process] ?? []).map((t) => t.name)))];
    const busiest = (name: string) =>
      median(
        defined(
          pick(windows, "traced").map((w) => (threadMs(w, process, name, "userS") ?? 0) + (threadMs(w, process, name, "systemS") ?? 0)),
        ),
      );
    threads.sort((a, b) => (busiest(b) || 0) - (busiest(a) || 0));
    for (const thread of threads) {
      const med = (side: TaxWindow["side"], part: "userS" | "systemS") => {
        const xs = defined(pick(windows, side).map((w) => threadMs(w, process, thread, part) ?? 0));
        return xs.length ? median(xs).toFixed(3) : "–";
      };
      const d = (part: "userS" | "systemS") => diffCell(windows, (w) => threadMs(w, process, thread, part) ?? 0);
      // Threads idle on both sides would only add rows of zeros.
      if (busiest(thread) < 0.0005 && Number(med("untraced", "userS")) + Number(med("untraced", "systemS")) < 0.0005) continue;
      lines.push(
        `| ${process} · ${thread} | ${med("untraced", "userS")} | ${med("traced", "userS")} | ${d("userS")} | ${med("untraced", "systemS")} | ${med("traced", "systemS")} | ${d("systemS")} |`,
      );
    }
  }
  return lines;
}

export type TaxMeta = {
  started: string;
  rounds: number;
  seconds: number;
  warmupS: number;
  /** How the warm-up ended (how long it took for the JIT to settle). */
  warm: string;
  loadAverage: { began: string; ended: string };
  /** The command that measured it, when not `npm run bench -- tracing-tax` itself. */
  command?: string;
  /** Environment given to the traced stack's processes (`--traced-env`), to measure a knob; empty for none. */
  variant?: string;
};

/** What the two sides are: tracing on and off, or (`--variant-env`) the traced stack as configured and with a knob turned. */
export type Labels = { traced: string; untraced: string };
export const TAX_LABELS: Labels = { traced: "100 % traced", untraced: "tracing off" };

/** A knob measured on two traced stacks: the first as configured, the second with `variant`. */
export function renderKnob(windows: TaxWindow[], meta: TaxMeta & { variant: string }): string {
  const labels = { traced: "as configured", untraced: "with the knob" };
  const r = ratios(windows);
  return [
    `## A tracing knob: ${meta.variant} (GET /postings?limit=20 through the gateway, wrk -t1 -c16; both stacks traced)`,
    "",
    `${meta.rounds} rounds of ${meta.seconds} s; ${meta.warm}; load average ${meta.loadAverage.began} → ${meta.loadAverage.ended}. Δ = as configured − with the knob: positive means the knob saves that much.`,
    "",
    `- throughput as configured ÷ with the knob, per round: ${cell(r.throughput, 2)}; CPU per request with the knob ÷ as configured: ${cell(r.cpu, 2)}`,
    "",
    ...processTable(windows, labels),
    "",
    ...threadTable(windows, labels),
  ].join("\n");
}

/** The tracing-tax section of RESULTS.md. */
export function renderTracingTax(windows: TaxWindow[], meta: TaxMeta): string {
  const labels = TAX_LABELS;
  const r = ratios(windows);
  const idle = (side: TaxWindow["side"]) =>
    cell(
      pick(windows, side).map((w) => (w.idleStackCpuS * 1000) / w.wallS),
      1,
    );
  return [
    `## Tracing tax — traced and untraced stacks side by side (GET /postings?limit=20 through the gateway, wrk -t1 -c16)`,
    "",
    `Latest ${meta.command ?? "`npm run bench -- tracing-tax`"} (started ${meta.started}; load average when it began ${meta.loadAverage.began}, when it ended ${meta.loadAverage.ended}). ` +
      "Two throw-away stacks run at once, one with 100 % tracing into Jaeger and one with tracing off (`OTEL_SDK_DISABLED=true`, no Envoy export), " +
      `each seeded with 10,000 postings and ${meta.warm}; then ${meta.rounds} rounds of one ${meta.seconds} s window on each ` +
      "(after a 1 s re-warm), the order alternating round by round, so a machine that drifts weighs on both sides alike. " +
      "CPU per request is each process tree's utime+stime from /proc over the window divided by the requests served. " +
      "Medians, [min–max] over the rounds. Raw windows: [`results/tracing-tax.json`](results/tracing-tax.json)." +
      (meta.variant ? ` The traced stack ran with: ${meta.variant}.` : ""),
    "",
    `- **throughput traced ÷ untraced, per round: ${cell(r.throughput, 2)}** (goal ≥ 0.90; wall-clock, moves with other load)`,
    `- CPU per request untraced ÷ traced, per round: ${cell(r.cpu, 2)} (the same ratio on a CPU-bound machine, counted from this stack's own CPU only)`,
    `- the idle stack meanwhile, in ms of CPU per second (the same for both sides, so it weighs on neither): the untraced one ${idle("traced")}, the traced one ${idle("untraced")}`,
    "",
    ...processTable(windows, labels),
    "",
    "By thread (CPU ms per request, medians; Δ = median of the rounds' traced − off, as above). Bun's main thread runs JavaScript; JavaScriptCore compiles on its JIT worker threads and marks and sweeps on its heap helper threads; Go names every thread after its process; kernel time is mostly the loopback TCP stack.",
    "",
    ...threadTable(windows, labels),
  ].join("\n");
}
