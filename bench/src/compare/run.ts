import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Stack } from "@msa-board/stack";
import { testConfig } from "@msa-board/stack/config";
import type { Shape } from "@msa-board/stack/shapes";
import { ensureLoadGenerators, ensureTools, type Tools } from "@msa-board/stack/tools";
import versions from "@msa-board/stack/versions.json";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import { writeSection } from "../results-sections.ts";
import { writeCharts } from "./charts.ts";
import { type DeployRun, measureDeploys } from "./deploys.ts";
import { ASSAULTS, FAULTS, type IsolationRun, measureIsolation } from "./isolation.ts";
import { type MeasureOptions, measureShape, type ShapeRun } from "./measure.ts";
import { renderComparison } from "./report.ts";

const benchDir = join(import.meta.dir, "..", "..");

/**
 * `npm run bench -- compare`: microservices vs monolith on this machine, through the same gateway
 * with the same load generator. Each run starts its shape fresh; runs alternate the order (A B, B A,
 * …) so drift of a shared machine falls on both. Raw runs go to bench/results/compare-runs.json.
 */
export async function runCompare(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: "string", default: "3" },
      rates: { type: "string", default: "50,100,200,300,400,500,650,800" },
      "step-seconds": { type: "string", default: "8" },
      "warmup-seconds": { type: "string", default: "10" },
      "cost-rate": { type: "string", default: "100" },
      "cost-seconds": { type: "string", default: "15" },
      // `load`, `isolation`, `deploys`, any of them; anything else only redraws the section and charts from the raw files.
      scenarios: { type: "string", default: "load,isolation,deploys" },
      "isolation-seconds": { type: "string", default: "15" },
    },
  });
  const scenarios = new Set((values.scenarios as string).split(","));
  const runs = Number(values.runs);
  const options: MeasureOptions = {
    rates: (values.rates as string).split(",").map(Number),
    stepSeconds: Number(values["step-seconds"]),
    warmupSeconds: Number(values["warmup-seconds"]),
    costRate: Number(values["cost-rate"]),
    costSeconds: Number(values["cost-seconds"]),
  };
  if (!Number.isInteger(runs) || runs < 1 || options.rates.some((r) => !(r > 0)))
    throw new Error("--runs N (≥ 1) and --rates r1,r2,… (> 0)");

  const tools = await ensureTools();
  const { vegeta } = await ensureLoadGenerators();
  const generator = `vegeta ${versions.vegeta.version}`;
  await prepareWorkspace(tools);
  const resultsDir = join(benchDir, "results");
  mkdirSync(resultsDir, { recursive: true });
  const rawFile = join(resultsDir, "compare-runs.json");
  const isolationFile = join(resultsDir, "compare-isolation.json");
  const started = new Date().toISOString();
  if (scenarios.has("load")) {
    const results: ShapeRun[] = [];
    for (let run = 1; run <= runs; run++) {
      const order: Shape[] = run % 2 === 1 ? ["microservices", "monolith"] : ["monolith", "microservices"];
      for (const shape of order) {
        console.log(`▸ run ${run}/${runs}: ${shape}`);
        results.push(await withFreshStack(tools, shape, (stack) => measureShape(stack, vegeta, run, options, console.log)));
        writeFileSync(rawFile, `${JSON.stringify({ started, options, generator, runs: results }, null, 2)}\n`);
      }
    }
  }
  if (scenarios.has("isolation")) {
    const isolation: IsolationRun[] = [];
    for (const fault of FAULTS) {
      for (const shape of ["microservices", "monolith"] as Shape[]) {
        console.log(`▸ isolation: ${fault}, ${shape}`);
        isolation.push(
          await withFreshStack(
            tools,
            shape,
            (stack) => measureIsolation(stack, vegeta, fault, Number(values["isolation-seconds"]), console.log),
            // Fault injection only where a fault needs it: every other stack starts as `npm start` does.
            { faultInjection: fault in ASSAULTS },
          ),
        );
        writeFileSync(isolationFile, `${JSON.stringify({ started, runs: isolation }, null, 2)}\n`);
      }
    }
  }
  const deploysFile = join(resultsDir, "compare-deploys.json");
  if (scenarios.has("deploys")) {
    const deploys: DeployRun[] = [];
    for (const shape of ["microservices", "monolith"] as Shape[]) {
      console.log(`▸ deploy and scale: ${shape}`);
      deploys.push(await withFreshStack(tools, shape, (stack) => measureDeploys(stack, vegeta, console.log)));
      writeFileSync(deploysFile, `${JSON.stringify({ started, runs: deploys }, null, 2)}\n`);
    }
  }
  // The section is drawn from the raw files, so one scenario can be re-run without losing the other.
  const saved = existsSync(rawFile)
    ? (JSON.parse(readFileSync(rawFile, "utf8")) as { started: string; options: MeasureOptions; generator?: string; runs: ShapeRun[] })
    : null;
  const isolation = existsSync(isolationFile) ? (JSON.parse(readFileSync(isolationFile, "utf8")) as { runs: IsolationRun[] }).runs : [];
  const deploys = existsSync(deploysFile) ? (JSON.parse(readFileSync(deploysFile, "utf8")) as { runs: DeployRun[] }).runs : [];
  const results = saved?.runs ?? [];
  const charts = await writeCharts(results, resultsDir, isolation);
  const section = renderComparison(
    results,
    saved?.options ?? options,
    charts,
    isolation,
    saved?.started ?? started,
    deploys,
    saved?.generator,
  );
  writeSection(join(benchDir, "RESULTS.md"), "compare", section);
  console.log(`\n${section}\n\nraw runs: ${rawFile}; charts: ${charts.join(", ")}; table: bench/RESULTS.md`);
  return 0;
}

async function withFreshStack<T>(
  tools: Tools,
  shape: Shape,
  fn: (stack: Stack) => Promise<T>,
  { faultInjection = false } = {},
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `msa-board-compare-${shape}-`));
  const config = await testConfig(dir, process.env, shape);
  config.faultInjection = faultInjection;
  const stack = new Stack(config, tools);
  let failed = false;
  try {
    await stack.start(() => {});
    return await fn(stack);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    await stack.stop(() => {});
    // A failed run keeps its logs for a look; a good one leaves nothing behind.
    if (failed) console.error(`  the stack's logs are kept in ${join(dir, "logs")}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
