import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Stack } from "@msa-board/stack";
import { scaleService } from "@msa-board/stack/rollouts";
import { ensureLoadGenerators, ensureTools, type LoadGenerators } from "@msa-board/stack/tools";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import type { CpuCase } from "./cpu-table.ts";
import { type EventsResult, measureEvents } from "./events.ts";
import { type GeneratorCost, measureGeneratorCost, renderGeneratorCost } from "./generator-cost.ts";
import { CONNECTIONS, cpuCase, cpuSection, loadAverage, memorySection, withStack } from "./harness.ts";
import { vegetaRate } from "./load/vegeta.ts";
import { wrkSaturate } from "./load/wrk.ts";
import type { RequestSpec } from "./load-generator.ts";
import { type MemorySample, sampleMemoryAtRest } from "./memory-table.ts";
import { cpuSecondsBetween, sampleTrees } from "./proc-stats.ts";
import { type Row, renderEvents, renderResults, renderTable } from "./render.ts";
import { sectionsOf, writeSection } from "./results-sections.ts";
import { seedPostings } from "./seed.ts";
import { tracingTaxBeside } from "./tracing-tax/in-bench.ts";
import { renderTracingTax } from "./tracing-tax/report.ts";

if (process.argv[2] === "cpu") {
  const { runCpuOnly } = await import("./cpu-only.ts");
  process.exit(await runCpuOnly(process.argv.slice(3)));
}

if (process.argv[2] === "memory") {
  const { runMemory } = await import("./memory-run.ts");
  process.exit(await runMemory(process.argv.slice(3)));
}

if (process.argv[2] === "gateway-ablation") {
  const { runGatewayAblation } = await import("./gateway-ablation/run.ts");
  process.exit(await runGatewayAblation(process.argv.slice(3)));
}

if (process.argv[2] === "before-after") {
  const { runBeforeAfter } = await import("./before-after/run.ts");
  process.exit(await runBeforeAfter(process.argv.slice(3)));
}
if (process.argv[2] === "events") {
  const { runEvents } = await import("./events-run.ts");
  process.exit(await runEvents(process.argv.slice(3)));
}
if (process.argv[2] === "tracing-tax") {
  const { runTracingTax } = await import("./tracing-tax/run.ts");
  process.exit(await runTracingTax(process.argv.slice(3)));
}
if (process.argv[2] === "compare") {
  const { runCompare } = await import("./compare/run.ts");
  process.exit(await runCompare(process.argv.slice(3)));
}

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    seconds: { type: "string", default: "10" },
    "big-rows": { type: "string", default: "1000000" },
    out: { type: "string", default: join(import.meta.dir, "..", "RESULTS.md") },
  },
});
const seconds = Number(args.seconds);
const bigRows = Number(args["big-rows"]);

const log = (line: string) => console.log(line);

/** The cursor of page `page` (1-based), found by walking the pages the way a client would. */
async function cursorAtPage(base: string, page: number, limit: number): Promise<string | null> {
  let cursor: string | null = null;
  for (let i = 1; i < page; i++) {
    const res: Response = await fetch(`${base}/postings?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    cursor = ((await res.json()) as { nextCursor: string | null }).nextCursor;
    if (!cursor) throw new Error(`only ${i} pages exist`);
  }
  return cursor;
}

async function listCost(gen: LoadGenerators, stack: Stack, rows: number, label: string): Promise<Row> {
  const direct = stack.describe().services.postings[0] as string;
  const deep = await cursorAtPage(direct, 400, 20);
  const page = (cursor: string | null): RequestSpec => ({
    url: `${direct}/postings?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
  });
  const first = await vegetaRate(gen.vegeta, `page 1 @ ${label}`, () => page(null), { rate: 100, durationS: seconds });
  const deepResult = await vegetaRate(gen.vegeta, `page 400 @ ${label}`, () => page(deep), { rate: 100, durationS: seconds });
  return {
    scenario: `list cost, ${rows.toLocaleString("en")} postings: page 400 vs page 1 (direct, 100 req/s)`,
    baseline: first,
    variant: deepResult,
    ratio: deepResult.medianMs / first.medianMs,
    ratioOf: "median latency deep / page 1",
    ideal: "≤ 1.2",
  };
}

/** Waits until the login flood is hashing (users has burned CPU since it began), for at most 10 s. */
async function untilUsersBusy(stack: Stack): Promise<void> {
  const users = { users: stack.processes.get("users")?.pid };
  const before = sampleTrees(users);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (cpuSecondsBetween(before, sampleTrees(users)).users ?? 0) < 0.2) await Bun.sleep(50);
}

async function main(): Promise<number> {
  const began = loadAverage();
  const tools = await ensureTools();
  const gen = await ensureLoadGenerators();
  await prepareWorkspace(tools);
  const rows: Row[] = [];
  const cpu: CpuCase[] = [];
  let events: EventsResult | undefined;
  let memory: MemorySample | undefined;
  let generators: GeneratorCost[] = [];
  let tax: Awaited<ReturnType<typeof tracingTaxBeside>> | undefined;
  let [taxStarted, taxBegan, taxEnded] = ["", "", ""];
  const list = (base: string) => () => ({ url: `${base}/postings?limit=20` });

  await withStack(tools, true, async (stack) => {
    const { gatewayUrl, services } = stack.describe();
    const direct = services.postings[0] as string;
    await seedPostings(stack, 10_000);

    log("▸ tracing tax: an untraced stack beside this one, alternating windows");
    taxStarted = new Date().toISOString();
    taxBegan = loadAverage();
    tax = await tracingTaxBeside(gen, tools, stack, seconds);
    taxEnded = loadAverage();

    log("▸ gateway tax, and where the CPU goes");
    const viaDirect = await cpuCase(gen, stack, direct, "direct to postings", seconds);
    const viaGateway = await cpuCase(gen, stack, gatewayUrl, "through the gateway", seconds);
    cpu.push(viaDirect.cpu, viaGateway.cpu);
    rows.push({
      scenario: `gateway tax: GET /postings through Envoy vs direct (${CONNECTIONS} connections, closed loop)`,
      baseline: viaDirect.run,
      variant: viaGateway.run,
      ratio: viaGateway.run.throughput / viaDirect.run.throughput,
      ratioOf: "throughput gateway / direct",
      ideal: "≥ 0.85",
    });

    log("▸ the load generators' own cost");
    generators = await measureGeneratorCost(gen, `${direct}/postings?limit=20`, seconds, 200);

    log("▸ notices: direct vs gateway at a fixed rate");
    const notice = (base: string) => () => ({ url: `${base}/notice` });
    const noticesDirect = services.notices[0] as string;
    const noticeDirect = await vegetaRate(gen.vegeta, "direct", notice(noticesDirect), { rate: 100, durationS: seconds });
    const noticeGateway = await vegetaRate(gen.vegeta, "gateway", notice(gatewayUrl), { rate: 100, durationS: seconds });
    rows.push({
      scenario: "GET /notice (Deno + Redis) at 100 req/s: through Envoy vs direct",
      baseline: noticeDirect,
      variant: noticeGateway,
      ratio: noticeGateway.medianMs / noticeDirect.medianMs,
      ratioOf: "median latency gateway / direct",
      ideal: "small constant added",
    });

    log("▸ bulkhead");
    const idle = await vegetaRate(gen.vegeta, "idle", list(gatewayUrl), { rate: 100, durationS: seconds });
    const admin = stack.config.admin;
    const login = {
      url: `${gatewayUrl}/login`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(admin),
    };
    // Outlasts the measured run: its warm-up (1 s), the window, and the wait for the flood to bite.
    const loginLoad = wrkSaturate(gen.wrk, "login flood", login, { connections: 8, durationS: seconds + 4, warmupS: 0 });
    await untilUsersBusy(stack);
    const busy = await vegetaRate(gen.vegeta, "while /login is saturated", list(gatewayUrl), { rate: 100, durationS: seconds });
    await loginLoad;
    rows.push({
      scenario: "bulkhead: GET /postings p99 while POST /login is saturated vs idle (100 req/s)",
      baseline: idle,
      variant: busy,
      ratio: busy.p99Ms / idle.p99Ms,
      ratioOf: "p99 busy / idle",
      ideal: "≤ 2",
    });

    log("▸ scale-out");
    const scaleSpec = { url: `${gatewayUrl}/postings?limit=20` };
    const one = await wrkSaturate(gen.wrk, "1 replica", scaleSpec, { connections: 32, durationS: seconds });
    await scaleService(stack, "postings", 2);
    const two = await wrkSaturate(gen.wrk, "2 replicas", scaleSpec, { connections: 32, durationS: seconds, warmupS: 2 });
    await scaleService(stack, "postings", 1);
    rows.push({
      scenario: "scale-out: postings 1 vs 2 replicas, through the gateway (32 connections, closed loop)",
      baseline: one,
      variant: two,
      ratio: two.throughput / one.throughput,
      ratioOf: "throughput 2 / 1 replicas",
      ideal: "→ 2 (bounded by cores)",
    });

    log("▸ list cost");
    rows.push(await listCost(gen, stack, 10_000, "10k"));
    await seedPostings(stack, bigRows - 10_000);
    rows.push(await listCost(gen, stack, bigRows, `${bigRows / 1000}k`));

    log("▸ events: idle lag and relay throughput");
    events = await measureEvents(stack);

    log("▸ memory at idle after the load");
    memory = await sampleMemoryAtRest(stack);
  });

  const { windows, warm, o, directOff, gatewayOff, row } = tax as Awaited<ReturnType<typeof tracingTaxBeside>>;
  cpu.push(directOff, gatewayOff);
  rows.push(row);

  const body = [
    renderTable(rows),
    renderEvents(events as EventsResult),
    cpuSection(cpu, seconds),
    memorySection(memory as MemorySample, "all of the load above"),
    `## The load generator's own cost\n\nGET /postings?limit=20 direct to postings, each generator a child process whose rusage is read when it exits (start-up included), same shape for each.\n\n${renderGeneratorCost(generators)}`,
  ].join("\n\n");
  console.log(`\n${body}`);
  // The sections of the other commands (compare, before-after, gateway-ablation) are theirs: keep them.
  const kept = sectionsOf(args.out as string);
  writeFileSync(args.out as string, `${renderResults(body, began)}${kept.map((s) => `\n${s}\n`).join("")}`);
  // The tracing tax's own section (by process and thread), as `npm run bench -- tracing-tax` writes it.
  const command = "tracing tax of `npm run bench` (the same alternation, shorter)";
  const taxMeta = { started: taxStarted, ...o, warm, command, loadAverage: { began: taxBegan, ended: taxEnded } };
  writeSection(args.out as string, "tracing-tax", renderTracingTax(windows, taxMeta));
  writeFileSync(join(import.meta.dir, "..", "results", "tracing-tax.json"), `${JSON.stringify({ options: o, windows }, null, 2)}\n`);
  console.log(`\nwritten to ${args.out}`);
  return 0;
}

process.exit(await main());
