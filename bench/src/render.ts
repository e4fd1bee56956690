import { readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import type { EventsResult } from "./events.ts";
import type { LoadResult } from "./load-generator.ts";

export type Row = { scenario: string; baseline: LoadResult; variant: LoadResult; ratio: number; ratioOf: string; ideal: string };

export const fmt = (r: LoadResult) =>
  `${r.medianMs.toFixed(2)} / ${r.p99Ms.toFixed(2)} ms, ${r.throughput.toFixed(0)} req/s${r.errors ? `, ${r.errors} errors` : ""}`;

export function renderTable(rows: Row[]): string {
  const lines = [
    "| scenario | baseline (median / p99, throughput) | variant (median / p99, throughput) | ratio | ideal |",
    "|---|---|---|---|---|",
  ];
  for (const r of rows)
    lines.push(
      `| ${r.scenario} | ${r.baseline.label}: ${fmt(r.baseline)} | ${r.variant.label}: ${fmt(r.variant)} | ${r.ratio.toFixed(2)} (${r.ratioOf}) | ${r.ideal} |`,
    );
  return lines.join("\n");
}

export function renderEvents(e: EventsResult): string {
  return [
    "| events (outbox → Redis Stream → postings) | result |",
    "|---|---|",
    `| idle lag, users commit → postings applied, ${e.lagEvents} renames at 25/s | p50 ${e.lagP50Ms.toFixed(1)} ms, p99 ${e.lagP99Ms.toFixed(1)} ms |`,
    `| relay throughput, burst of ${e.relayEvents} outbox rows → all XADDed | ${e.relayPerSecond.toFixed(0)} events/s |`,
    `| end to end, the same burst → all applied by postings | ${e.endToEndPerSecond.toFixed(0)} events/s |`,
  ].join("\n");
}

export function renderResults(body: string, loadAverage: string): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  let kernel = "";
  try {
    kernel = readFileSync("/proc/version", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {}
  return `# Benchmark results

Latest run of \`npm run bench\` (${new Date().toISOString()}), on ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${kernel};
load average when it began: ${loadAverage}.
Everything — load generator, Envoy, services, PostgreSQL, Redis, Jaeger — shares these cores, so
ratios that need spare CPU (scale-out, bulkhead) are bounded by the machine, not the design.

Load comes from wrk (closed loop: \`wrk -t1\`, N connections back to back) and vegeta (open loop at a
constant rate: each request goes out on schedule whether or not earlier ones have answered), each
after a warm-up run left out of the numbers. Every ratio compares two runs of the same process tree.

${body}

See bench/README.md for what each scenario does and how to read a ratio far from its ideal.
`;
}
