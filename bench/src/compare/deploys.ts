import type { Stack } from "@msa-board/stack";
import { rollService, scaleService } from "@msa-board/stack/rollouts";
import type { Shape, UnitName } from "@msa-board/stack/shapes";
import { vegetaRate } from "../load/vegeta.ts";
import type { RequestSpec } from "../load-generator.ts";
import { cpuSecondsBetween, sampleTrees } from "../proc-stats.ts";
import { boardMix, seedBoard } from "./board-mix.ts";
import { type RouteWindow, window } from "./isolation.ts";

/**
 * Deploy and scale one hot module, postings: in the microservices its service alone; in the
 * monolith the only unit there is, so every module rolls and every module is scaled with it.
 */
export type DeployRun = {
  shape: Shape;
  unit: UnitName;
  roll: { ms: number; windows: RouteWindow[] };
  /** Σ PSS (MiB) of all processes and CPU-s per 1,000 requests of the mix at 50 req/s, at 1 and at 2 replicas. */
  scale: { memoryMiB: [number, number]; cpuPerThousand: [number, number] };
};

const totalMiB = (stack: Stack) =>
  Math.round(
    Object.values(sampleTrees(Object.fromEntries([...stack.processes.values()].map((p) => [p.name, p.pid])))).reduce(
      (n, s) => n + s.pssKib,
      0,
    ) / 102.4,
  ) / 10;

async function cpuPerThousandOf(stack: Stack, vegeta: string, next: (i: number) => RequestSpec): Promise<number> {
  const roots = () => Object.fromEntries([...stack.processes.values()].map((p) => [p.name, p.pid]));
  const before = sampleTrees(roots());
  const result = await vegetaRate(vegeta, "cost", next, { rate: 50, durationS: 12, warmupS: 0 });
  const used = Object.values(cpuSecondsBetween(before, sampleTrees(roots()))).reduce((n, v) => n + v, 0);
  return Math.round((used / Math.max(1, result.ok)) * 1000 * 100) / 100;
}

export async function measureDeploys(stack: Stack, vegeta: string, log: (line: string) => void): Promise<DeployRun> {
  const shape = stack.config.shape;
  const unit: UnitName = shape === "monolith" ? "monolith" : "postings";
  const fixtures = await seedBoard(stack.describe().gatewayUrl, stack.config.admin, { users: 4, postings: 80, notices: 3 });
  const next = boardMix(fixtures);

  log(`  roll ${unit} under steady load`);
  const during = window(stack, vegeta, fixtures, 25, "during roll", "GET /notice");
  await Bun.sleep(2_000);
  const report = await rollService(stack, unit);
  const windows = await during;
  for (const w of windows) log(`    ${w.route}: ${w.result.ok}/${w.result.sent} ok, p99 ${w.result.p99Ms.toFixed(1)} ms`);
  log(`    roll took ${(report.ms / 1000).toFixed(1)} s`);

  log(`  scale ${unit} to 2 replicas`);
  await Bun.sleep(2_000);
  const memoryOne = totalMiB(stack);
  const cpuOne = await cpuPerThousandOf(stack, vegeta, next);
  await scaleService(stack, unit, 2);
  await Bun.sleep(3_000);
  const memoryTwo = totalMiB(stack);
  const cpuTwo = await cpuPerThousandOf(stack, vegeta, next);
  log(`    memory ${memoryOne} → ${memoryTwo} MiB, CPU ${cpuOne} → ${cpuTwo} s per 1,000 requests`);
  return { shape, unit, roll: { ms: report.ms, windows }, scale: { memoryMiB: [memoryOne, memoryTwo], cpuPerThousand: [cpuOne, cpuTwo] } };
}
