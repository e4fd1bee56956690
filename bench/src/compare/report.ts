import { cpus, totalmem } from "node:os";
import { basename } from "node:path";
import { median } from "../spread.ts";
import { BOARD_MIX } from "./board-mix.ts";
import type { DeployRun } from "./deploys.ts";
import type { IsolationRun } from "./isolation.ts";
import type { MeasureOptions, ShapeRun } from "./measure.ts";
import { allRates, cpuPerThousand, highestRateWithin, labelOf, memoryMiB, runsOf, SHAPE_ORDER, stepSummary, sum } from "./summary.ts";
import { renderVerdict } from "./verdict.ts";

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "–");
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "–");

/** The comparison as markdown: method, latency per step, capacity, cost, memory, charts. */
export function renderComparison(
  results: ShapeRun[],
  o: MeasureOptions,
  charts: string[],
  isolation: IsolationRun[] = [],
  startedAt = new Date().toISOString(),
  deploys: DeployRun[] = [],
  /** Which generator made the raw runs; runs from before vegeta have none (the bench process's own fetch loop). */
  generator?: string,
): string {
  const runs = Math.max(...SHAPE_ORDER.map((s) => runsOf(results, s).length));
  const lines: string[] = [
    "## Microservices vs monolith — the same modules, both shapes",
    "",
    `Latest \`npm run bench -- compare\` (started ${startedAt}), on ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}, ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GiB. ${runs} runs per shape, alternating (microservices first in odd runs, monolith first ` +
      "in even runs), each on a freshly started throw-away stack (test settings for both: PostgreSQL without fsync, in-memory Jaeger, " +
      "tracing on at 100 %). Same gateway config, same load generator, same request sequence — " +
      (generator
        ? `${generator}, open loop: each request's JSON target generated from the seeded mix and sent on schedule. `
        : "this process's fetch loop, open loop: latency counts from each request's intended send time. ") +
      "Raw runs: [`results/compare-runs.json`](results/compare-runs.json).",
    "",
    `Load average of the machine when each run began (1 min): ${results.map((r) => `${r.shape} run ${r.run}: ${r.loadAverage[0]}`).join(", ")} — ` +
      "other work on the machine slows both shapes alike only on average; read the ranges.",
    "",
    `The board mix: ${BOARD_MIX.map((m) => `${m.weight} % ${m.kind}`).join(", ")}. Before measuring: ${o.warmupSeconds} s warm-up at ${o.costRate} req/s.`,
    "",
    "### Latency at stepped constant rates (median of runs; p99 range across runs)",
    "",
    "| offered req/s | microservices p50 | microservices p99 [range] | monolith p50 | monolith p99 [range] | p99 micro / mono |",
    "|---|---|---|---|---|---|",
  ];
  for (const rate of allRates(results)) {
    const m = stepSummary(results, "microservices", rate);
    const n = stepSummary(results, "monolith", rate);
    const cell = (s: typeof m) =>
      s
        ? [`${f1(s.p50)} ms`, `${f1(s.p99)} ms [${f1(s.p99Min)}–${f1(s.p99Max)}]${s.errors ? `, ${s.errors} errors` : ""}`]
        : ["–", "saturated"];
    lines.push(`| ${rate} | ${cell(m).join(" | ")} | ${cell(n).join(" | ")} | ${m && n ? f2(m.p99 / n.p99) : "–"} |`);
  }
  lines.push("", "### Highest offered rate held with p99 ≤ 100 ms and no errors", "", "| shape | per run | median |", "|---|---|---|");
  for (const shape of SHAPE_ORDER) {
    const held = runsOf(results, shape).map((r) => highestRateWithin(r));
    lines.push(`| ${shape} | ${held.join(", ")} req/s | **${median(held)} req/s** |`);
  }

  const cpu = Object.fromEntries(SHAPE_ORDER.map((s) => [s, cpuPerThousand(results, s)]));
  const processes = [...new Set(SHAPE_ORDER.flatMap((s) => Object.keys(cpu[s] ?? {})))];
  lines.push(
    "",
    `### Cost: CPU seconds per 1,000 requests, by process (${o.costSeconds} s at ${o.costRate} req/s of the mix; /proc utime+stime of each process tree)`,
    "",
    "| process | microservices | monolith |",
    "|---|---|---|",
    ...processes.map((p) => `| ${labelOf(p)} | ${cell3(cpu.microservices?.[p])} | ${cell3(cpu.monolith?.[p])} |`),
    `| **total** | **${f2(sum(cpu.microservices ?? {}))}** | **${f2(sum(cpu.monolith ?? {}))}** |`,
  );

  const memory = (state: "idle" | "load") => Object.fromEntries(SHAPE_ORDER.map((s) => [s, memoryMiB(results, s, state)]));
  const idle = memory("idle");
  const load = memory("load");
  lines.push(
    "",
    "### Memory: Σ PSS in MiB (RSS with shared pages split among their sharers, from /proc/<pid>/smaps_rollup, each process tree)",
    "",
    "| process | microservices idle | microservices under load | monolith idle | monolith under load |",
    "|---|---|---|---|---|",
    ...processes.map(
      (p) =>
        `| ${labelOf(p)} | ${cell1(idle.microservices?.[p])} | ${cell1(load.microservices?.[p])} | ${cell1(idle.monolith?.[p])} | ${cell1(load.monolith?.[p])} |`,
    ),
    `| **total** | **${f1(sum(idle.microservices ?? {}))}** | **${f1(sum(load.microservices ?? {}))}** | **${f1(sum(idle.monolith ?? {}))}** | **${f1(sum(load.monolith ?? {}))}** |`,
    "",
    "Under load = at the end of the cost window. Idle = at rest after seeding and warm-up.",
    "",
    ...charts.map((c) => `![${basename(c, ".svg")}](results/${basename(c)})`),
    "",
    ...renderIsolation(isolation),
    ...renderDeploys(deploys),
    ...renderVerdict(results, isolation, deploys),
  );
  return lines.join("\n");
}

const cell3 = (n: number | undefined) => (n === undefined ? "–" : n.toFixed(2));
const cell1 = (n: number | undefined) => (n === undefined ? "–" : n.toFixed(1));

/** Success rate and p99 of each route, before and during each fault, per shape. */
function renderIsolation(runs: IsolationRun[]): string[] {
  if (runs.length === 0) return [];
  const lines = [
    "### Failure isolation: the same fault in notices, steady load (GET /postings 40/s, POST /login 2/s, GET /notice 11/s)",
    "",
    "| fault | route | microservices before | microservices during | monolith before | monolith during |",
    "|---|---|---|---|---|---|",
  ];
  const cell = (shape: string, fault: string, route: string, window: string) => {
    const r = runs
      .find((x) => x.shape === shape && x.fault === fault)
      ?.windows.find((w) => w.route === route && w.window === window)?.result;
    return r ? `${((100 * r.ok) / Math.max(1, r.sent)).toFixed(0)} % ok, p99 ${f1(r.p99Ms)} ms` : "–";
  };
  for (const fault of [...new Set(runs.map((r) => r.fault))]) {
    for (const route of [...new Set(runs.flatMap((r) => r.windows.map((w) => w.route)))]) {
      lines.push(
        `| ${fault} | ${route} | ${cell("microservices", fault, route, "before")} | ${cell("microservices", fault, route, "during fault")} | ${cell("monolith", fault, route, "before")} | ${cell("monolith", fault, route, "during fault")} |`,
      );
    }
  }
  const cpu = runs.filter((r) => r.hostCpuSeconds);
  if (cpu.length > 0) {
    lines.push(
      "",
      "CPU seconds of the process hosting notices in each window (from /proc, so robust to the machine's other load):",
      "",
      "| fault | shape | process | before | during |",
      "|---|---|---|---|---|",
      ...cpu.map((r) => {
        const c = r.hostCpuSeconds as NonNullable<IsolationRun["hostCpuSeconds"]>;
        return `| ${r.fault} | ${r.shape} | ${c.process} | ${c.before.toFixed(2)} | ${c.during.toFixed(2)} |`;
      }),
    );
  }
  const loads = runs.flatMap((r) => (r.loadAverage ? [r.loadAverage[0] as number] : []));
  lines.push(
    "",
    ...(loads.length > 0
      ? [`Load average (1 min) when each run began: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} on this machine.`, ""]
      : []),
    "How the faults reach the other routes: in the monolith, notices' process is the process of every module (the " +
      "supervisor restarts it in a few seconds), and its `/healthz` is ready only when every module is, so the gateway " +
      "takes the whole process out while notices' Redis is gone; in the microservices, only the notices cluster is affected. " +
      "A slow handler (an asynchronous wait) holds only notices' own requests in either shape; a CPU-hogging one holds its " +
      "event loop, which in the monolith is every module's. The assaults come from notices' opt-in fault control " +
      "(`NOTICES_FAULTS=enabled`, only on these runs' stacks).",
    "",
  );
  return lines;
}

/** Rolling postings (microservices) or the monolith under load, then scaling it to two replicas. */
function renderDeploys(runs: DeployRun[]): string[] {
  if (runs.length === 0) return [];
  const lines = [
    "### Deploy and scale the hot module, postings (microservices: its service; monolith: the whole process)",
    "",
    "| shape | rolled | roll time | GET /postings during the roll | POST /login | GET /notice | memory 1 → 2 replicas | CPU-s / 1,000 req 1 → 2 replicas |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of runs) {
    const route = (name: string) => {
      const w = r.roll.windows.find((x) => x.route === name)?.result;
      return w ? `${((100 * w.ok) / Math.max(1, w.sent)).toFixed(0)} % ok, p99 ${f1(w.p99Ms)} ms` : "–";
    };
    lines.push(
      `| ${r.shape} | ${r.unit} | ${f1(r.roll.ms / 1000)} s | ${route("GET /postings")} | ${route("POST /login")} | ${route("GET /notice")} | ` +
        `${f1(r.scale.memoryMiB[0])} → ${f1(r.scale.memoryMiB[1])} MiB (+${f1(r.scale.memoryMiB[1] - r.scale.memoryMiB[0])}) | ` +
        `${f2(r.scale.cpuPerThousand[0])} → ${f2(r.scale.cpuPerThousand[1])} |`,
    );
  }
  lines.push(
    "",
    "Rolls are the stack's zero-downtime rolling deploy (`npm run stack -- roll`): start the new process, wait until " +
      "healthy, add it to the gateway, drain and stop the old one. Memory is Σ PSS of every process.",
    "",
  );
  return lines;
}
