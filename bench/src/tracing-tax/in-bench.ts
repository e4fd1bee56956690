import type { Stack } from "@msa-board/stack";
import type { LoadGenerators, Tools } from "@msa-board/stack/tools";
import type { CpuCase } from "../cpu-table.ts";
import { CONNECTIONS, cpuCase, withStack } from "../harness.ts";
import type { LoadResult } from "../load-generator.ts";
import type { Row } from "../render.ts";
import { seedPostings } from "../seed.ts";
import { median } from "../spread.ts";
import { msPerRequest, ratios } from "./report.ts";
import { alternate, type TaxOptions } from "./run.ts";
import type { TaxWindow } from "./window.ts";

/** The window of `side` whose `f` is the median (the lower middle one for an even count). */
function medianWindow(windows: TaxWindow[], side: TaxWindow["side"], f: (w: TaxWindow) => number): TaxWindow {
  const mine = windows.filter((w) => w.side === side).sort((a, b) => f(a) - f(b));
  return mine[Math.floor((mine.length - 1) / 2)] as TaxWindow;
}

const asLoad = (w: TaxWindow, label: string): LoadResult => ({
  label,
  sent: w.cpu.served,
  ok: w.cpu.served,
  errors: 0,
  durationS: w.cpu.served / w.cpu.throughput,
  throughput: w.cpu.throughput,
  ...w.latency,
});

/**
 * `npm run bench`'s tracing tax: an untraced stack started beside the (already seeded) traced one
 * and the same alternation as `npm run bench -- tracing-tax`, shorter; the untraced stack also gives
 * the CPU table its two tracing-off columns. Stopped before the traced stack's other scenarios.
 */
export async function tracingTaxBeside(gen: LoadGenerators, tools: Tools, traced: Stack, seconds: number) {
  return withStack(tools, false, async (untraced) => {
    await seedPostings(untraced, 10_000);
    const o: TaxOptions = { rounds: 3, seconds: Math.min(seconds, 8), warmupS: 10 };
    const { windows, warm } = await alternate(gen, traced, untraced, o);
    const direct = untraced.describe().services.postings[0] as string;
    const directOff = (await cpuCase(gen, untraced, direct, "direct, tracing off", seconds)).cpu;
    const total = (w: TaxWindow) => msPerRequest(w.cpu) as number;
    const gatewayOff: CpuCase = {
      ...medianWindow(windows, "untraced", total).cpu,
      label: "through the gateway, tracing off (median round)",
    };
    const byThroughput = (w: TaxWindow) => w.cpu.throughput;
    const row: Row = {
      scenario: `tracing tax: GET /postings through Envoy, 100 % sampling vs tracing off (${CONNECTIONS} connections; two stacks side by side, ${o.rounds} alternated rounds of ${o.seconds} s, median round shown)`,
      baseline: asLoad(medianWindow(windows, "untraced", byThroughput), "tracing off"),
      variant: asLoad(medianWindow(windows, "traced", byThroughput), "traced"),
      ratio: median(ratios(windows).throughput),
      ratioOf: "throughput traced / untraced, median of the rounds",
      ideal: "≥ 0.90",
    };
    return { windows, warm, o, directOff, gatewayOff, row };
  });
}
