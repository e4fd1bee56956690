import type { LoadGenerators } from "@msa-board/stack/tools";
import { bunFetchRun } from "./load/bun-fetch-run.ts";
import type { GeneratorRun } from "./load/generator-run.ts";
import { vegetaRate, vegetaSaturate } from "./load/vegeta.ts";
import { wrkSaturate } from "./load/wrk.ts";

export type GeneratorCost = { generator: string; shape: string; run: GeneratorRun };

/**
 * What the load generator itself costs per request, each at the same shape against the same URL:
 * 16 connections closed loop (wrk, vegeta with 16 workers, Bun fetch), and a constant rate (vegeta,
 * Bun fetch; wrk has no open-loop mode). Runs start cold on purpose — each counts its own start-up.
 */
export async function measureGeneratorCost(gen: LoadGenerators, url: string, seconds: number, rate: number): Promise<GeneratorCost[]> {
  const closed = `16 connections, closed loop`;
  const open = `${rate} req/s, open loop`;
  return [
    {
      generator: "wrk -t1",
      shape: closed,
      run: await wrkSaturate(gen.wrk, "wrk", { url }, { connections: 16, durationS: seconds, warmupS: 0 }),
    },
    {
      generator: "vegeta",
      shape: closed,
      run: await vegetaSaturate(gen.vegeta, "vegeta", { url }, { workers: 16, durationS: seconds, warmupS: 0 }),
    },
    { generator: "Bun fetch (the former in-process generator)", shape: closed, run: await bunFetchRun(url, { connections: 16 }, seconds) },
    {
      generator: "vegeta",
      shape: open,
      run: await vegetaRate(gen.vegeta, "vegeta", () => ({ url }), { rate, durationS: seconds, warmupS: 0 }),
    },
    { generator: "Bun fetch (the former in-process generator)", shape: open, run: await bunFetchRun(url, { rate }, seconds) },
  ];
}

export function renderGeneratorCost(costs: GeneratorCost[]): string {
  return [
    "| load generator | shape | requests | throughput | generator CPU ms per request |",
    "|---|---|---:|---:|---:|",
    ...costs.map(
      ({ generator, shape, run }) =>
        `| ${generator} | ${shape} | ${run.sent} | ${run.throughput.toFixed(0)} req/s | ${((run.generatorCpuS * 1000) / Math.max(1, run.sent)).toFixed(3)} |`,
    ),
  ].join("\n");
}
