import type { Shape } from "@msa-board/stack/shapes";
import { median } from "../spread.ts";
import type { ShapeRun } from "./measure.ts";

/** Aggregates over the runs of each shape: medians, so one noisy run on a shared machine does not decide. */

export const SHAPE_ORDER: Shape[] = ["microservices", "monolith"];

export const PROCESS_LABELS: Record<string, string> = {
  gateway: "Envoy (gateway)",
  users: "users (Bun)",
  postings: "postings (Bun)",
  notices: "notices (Deno)",
  monolith: "monolith (Bun)",
  postgres: "PostgreSQL",
  "redis-notices": "Redis (notices)",
  "redis-events": "Redis (events)",
  jaeger: "Jaeger",
};

export const labelOf = (process: string) => PROCESS_LABELS[process] ?? process;

export const runsOf = (results: ShapeRun[], shape: Shape) => results.filter((r) => r.shape === shape);

/** p50/p99/throughput at one offered rate, median over the runs that reached it (saturated runs stop early). */
export function stepSummary(results: ShapeRun[], shape: Shape, rate: number) {
  const steps = runsOf(results, shape).flatMap((r) => r.steps.filter((s) => s.rate === rate));
  if (steps.length === 0) return null;
  return {
    runs: steps.length,
    p50: median(steps.map((s) => s.medianMs)),
    p99: median(steps.map((s) => s.p99Ms)),
    p99Min: Math.min(...steps.map((s) => s.p99Ms)),
    p99Max: Math.max(...steps.map((s) => s.p99Ms)),
    throughput: median(steps.map((s) => s.throughput)),
    errors: steps.reduce((n, s) => n + s.errors, 0),
  };
}

/** The highest offered rate a run held with p99 ≤ 100 ms and no errors (0 if none). */
export function highestRateWithin(run: ShapeRun, p99Ms = 100): number {
  return Math.max(0, ...run.steps.filter((s) => s.p99Ms <= p99Ms && s.errors === 0).map((s) => s.rate));
}

/** CPU seconds per 1,000 served requests in the cost window, per process, median over runs. */
export function cpuPerThousand(results: ShapeRun[], shape: Shape): Record<string, number> {
  const runs = runsOf(results, shape);
  const processes = [...new Set(runs.flatMap((r) => Object.keys(r.cost.cpuSeconds)))];
  return Object.fromEntries(
    processes.map((p) => [p, median(runs.map((r) => ((r.cost.cpuSeconds[p] ?? 0) / Math.max(1, r.cost.ok)) * 1000))]),
  );
}

export function memoryMiB(results: ShapeRun[], shape: Shape, state: "idle" | "load"): Record<string, number> {
  const runs = runsOf(results, shape);
  const processes = [...new Set(runs.flatMap((r) => Object.keys(r.memoryMiB[state])))];
  return Object.fromEntries(processes.map((p) => [p, median(runs.map((r) => r.memoryMiB[state][p] ?? 0))]));
}

export const sum = (values: Record<string, number>) => Object.values(values).reduce((n, v) => n + v, 0);

export const allRates = (results: ShapeRun[]) => [...new Set(results.flatMap((r) => r.steps.map((s) => s.rate)))].sort((a, b) => a - b);
