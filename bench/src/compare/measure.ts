import { readFileSync } from "node:fs";
import type { Stack } from "@msa-board/stack";
import type { Shape } from "@msa-board/stack/shapes";
import { vegetaRate } from "../load/vegeta.ts";
import type { LoadResult } from "../load-generator.ts";
import { cpuSecondsBetween, sampleTrees } from "../proc-stats.ts";
import { boardMix, seedBoard } from "./board-mix.ts";

export type StepResult = LoadResult & { rate: number };

/** Everything one run of one shape measured, kept raw in results/compare-runs.json. */
export type ShapeRun = {
  shape: Shape;
  run: number;
  startedAt: string;
  /** /proc/loadavg (1, 5, 15 min) when the run began: how busy the shared machine was. */
  loadAverage: number[];
  steps: StepResult[];
  /** A fixed-rate window: CPU seconds per process and the requests it served. */
  cost: { rate: number; seconds: number; ok: number; cpuSeconds: Record<string, number> };
  /** Σ PSS in MiB per process: at rest after seeding, and at the end of the cost window. */
  memoryMiB: { idle: Record<string, number>; load: Record<string, number> };
};

export type MeasureOptions = { rates: number[]; stepSeconds: number; warmupSeconds: number; costRate: number; costSeconds: number };

/** A step this slow or failing this often means saturation: higher rates would only pile up. */
const SATURATED = (r: LoadResult) => r.p99Ms > 2_000 || r.errors > 0.1 * r.sent;

const roots = (stack: Stack) => Object.fromEntries([...stack.processes.values()].map((p) => [p.name, p.pid]));

const mib = (samples: ReturnType<typeof sampleTrees>) =>
  Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, Math.round((s.pssKib / 1024) * 10) / 10]));

/**
 * One run on a freshly started stack: seed through the API, warm up, memory at rest, a fixed-rate
 * cost window (CPU from /proc), then the stepped constant rates until the shape saturates.
 */
export async function measureShape(
  stack: Stack,
  vegeta: string,
  run: number,
  o: MeasureOptions,
  log: (line: string) => void,
): Promise<ShapeRun> {
  const { gatewayUrl } = stack.describe();
  const shape = stack.config.shape;
  const startedAt = new Date().toISOString();
  const loadAverage = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
  log(`  seeding accounts, postings and notices through the gateway`);
  const fixtures = await seedBoard(gatewayUrl, stack.config.admin);
  const next = boardMix(fixtures);

  log(`  warm-up: ${o.warmupSeconds} s at ${o.costRate} req/s`);
  await vegetaRate(vegeta, "warm-up", next, { rate: o.costRate, durationS: o.warmupSeconds, warmupS: 0 });
  await Bun.sleep(3_000);
  const idle = mib(sampleTrees(roots(stack)));

  const before = sampleTrees(roots(stack));
  const window = await vegetaRate(vegeta, "cost", next, { rate: o.costRate, durationS: o.costSeconds, warmupS: 0 });
  const after = sampleTrees(roots(stack));
  log(`  cost window: ${window.ok} requests at ${o.costRate} req/s, p99 ${window.p99Ms.toFixed(1)} ms`);

  const steps: StepResult[] = [];
  for (const rate of o.rates) {
    const { generatorCpuS: _, ...result } = await vegetaRate(vegeta, `${shape} @ ${rate}`, next, {
      rate,
      durationS: o.stepSeconds,
      warmupS: 1,
    });
    steps.push({ ...result, rate });
    log(
      `  ${String(rate).padStart(4)} req/s → p50 ${result.medianMs.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.throughput.toFixed(0)} ok/s, ${result.errors} errors`,
    );
    if (SATURATED(result)) break;
    await Bun.sleep(1_000);
  }
  return {
    shape,
    run,
    startedAt,
    loadAverage,
    steps,
    cost: { rate: o.costRate, seconds: o.costSeconds, ok: window.ok, cpuSeconds: cpuSecondsBetween(before, after) },
    memoryMiB: { idle, load: mib(after) },
  };
}
