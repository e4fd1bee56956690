import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Stack } from "@msa-board/stack";
import { testConfig } from "@msa-board/stack/config";
import { scaleService } from "@msa-board/stack/rollouts";
import { ensureTools, type Tools } from "@msa-board/stack/tools";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import { comparisonOf } from "./compare/report.ts";
import { type EventsResult, measureEvents } from "./events.ts";
import { constantRate, type LoadResult, type RequestSpec, saturate } from "./load-generator.ts";
import { seedPostings } from "./seed.ts";

type Row = { scenario: string; baseline: LoadResult; variant: LoadResult; ratio: number; ratioOf: string; ideal: string };

if (process.argv[2] === "compare") {
  const { runCompare } = await import("./compare/run.ts");
  process.exit(await runCompare(process.argv.slice(3)));
}

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    seconds: { type: "string", default: "6" },
    "big-rows": { type: "string", default: "1000000" },
    out: { type: "string", default: join(import.meta.dir, "..", "RESULTS.md") },
  },
});
const seconds = Number(args.seconds);
const bigRows = Number(args["big-rows"]);

const log = (line: string) => console.log(line);
const fmt = (r: LoadResult) =>
  `${r.medianMs.toFixed(2)} / ${r.p99Ms.toFixed(2)} ms, ${r.throughput.toFixed(0)} req/s${r.errors ? `, ${r.errors} errors` : ""}`;

async function withStack<T>(tools: Tools, tracing: boolean, fn: (stack: Stack) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "msa-board-bench-"));
  const config = await testConfig(dir);
  config.tracing = tracing;
  const stack = new Stack(config, tools);
  try {
    log(`▸ starting a ${tracing ? "traced" : "untraced"} stack`);
    await stack.start(() => {});
    return await fn(stack);
  } finally {
    await stack.stop(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

async function token(stack: Stack): Promise<string> {
  const gateway = stack.describe().gatewayUrl;
  const res = await fetch(`${gateway}/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(stack.config.admin),
  });
  return ((await res.json()) as { accessToken: string }).accessToken;
}

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

async function listCost(stack: Stack, rows: number, label: string): Promise<Row> {
  const direct = stack.describe().services.postings[0] as string;
  const deep = await cursorAtPage(direct, 400, 20);
  const page = (cursor: string | null): RequestSpec => ({
    url: `${direct}/postings?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
  });
  const first = await constantRate(`page 1 @ ${label}`, () => page(null), { rate: 100, durationS: seconds });
  const deepResult = await constantRate(`page 400 @ ${label}`, () => page(deep), { rate: 100, durationS: seconds });
  return {
    scenario: `list cost, ${rows.toLocaleString("en")} postings: page 400 vs page 1 (direct, 100 req/s)`,
    baseline: first,
    variant: deepResult,
    ratio: deepResult.medianMs / first.medianMs,
    ratioOf: "median latency deep / page 1",
    ideal: "≤ 1.2",
  };
}

async function main(): Promise<number> {
  const tools = await ensureTools();
  await prepareWorkspace(tools);
  const rows: Row[] = [];
  let events: EventsResult | undefined;
  const list = (gateway: string) => () => ({ url: `${gateway}/postings?limit=20` });

  const traced = await withStack(tools, true, async (stack) => {
    const { gatewayUrl, services } = stack.describe();
    const direct = services.postings[0] as string;
    await seedPostings(stack, 10_000);

    log("▸ gateway tax");
    const viaDirect = await saturate("direct", list(direct), { connections: 16, durationS: seconds });
    const viaGateway = await saturate("gateway", list(gatewayUrl), { connections: 16, durationS: seconds });
    rows.push({
      scenario: "gateway tax: GET /postings through Envoy vs direct (16 connections, closed loop)",
      baseline: viaDirect,
      variant: viaGateway,
      ratio: viaGateway.throughput / viaDirect.throughput,
      ratioOf: "throughput gateway / direct",
      ideal: "≥ 0.85",
    });

    log("▸ notices: direct vs gateway at a fixed rate");
    const notice = (base: string) => () => ({ url: `${base}/notice` });
    const noticesDirect = services.notices[0] as string;
    const noticeDirect = await constantRate("direct", notice(noticesDirect), { rate: 100, durationS: seconds });
    const noticeGateway = await constantRate("gateway", notice(gatewayUrl), { rate: 100, durationS: seconds });
    rows.push({
      scenario: "GET /notice (Deno + Redis) at 100 req/s: through Envoy vs direct",
      baseline: noticeDirect,
      variant: noticeGateway,
      ratio: noticeGateway.medianMs / noticeDirect.medianMs,
      ratioOf: "median latency gateway / direct",
      ideal: "small constant added",
    });

    log("▸ bulkhead");
    const idle = await constantRate("idle", list(gatewayUrl), { rate: 100, durationS: seconds });
    const admin = stack.config.admin;
    const loginLoad = saturate(
      "login flood",
      () => ({ url: `${gatewayUrl}/login`, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(admin) }),
      { connections: 8, durationS: seconds + 1, warmupS: 0 },
    );
    await Bun.sleep(500);
    const busy = await constantRate("while /login is saturated", list(gatewayUrl), { rate: 100, durationS: seconds });
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
    const one = await saturate("1 replica", list(gatewayUrl), { connections: 32, durationS: seconds });
    await scaleService(stack, "postings", 2);
    await Bun.sleep(2_000);
    const two = await saturate("2 replicas", list(gatewayUrl), { connections: 32, durationS: seconds });
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
    rows.push(await listCost(stack, 10_000, "10k"));
    await seedPostings(stack, bigRows - 10_000);
    rows.push(await listCost(stack, bigRows, `${bigRows / 1000}k`));

    log("▸ events: idle lag and relay throughput");
    events = await measureEvents(stack);
    await token(stack);
    return saturate("traced", list(gatewayUrl), { connections: 16, durationS: seconds });
  });

  const untraced = await withStack(tools, false, async (stack) => {
    await seedPostings(stack, 10_000);
    return saturate("untraced", list(stack.describe().gatewayUrl), { connections: 16, durationS: seconds });
  });
  rows.push({
    scenario: "tracing tax: GET /postings through Envoy, 100 % sampling vs tracing off (16 connections)",
    baseline: untraced,
    variant: traced,
    ratio: traced.throughput / untraced.throughput,
    ratioOf: "throughput traced / untraced",
    ideal: "≥ 0.90",
  });

  const table = `${renderTable(rows)}\n\n${renderEvents(events as EventsResult)}`;
  console.log(`\n${table}`);
  // The comparison section (npm run bench -- compare) is another command's: keep it.
  const comparison = comparisonOf(args.out as string);
  writeFileSync(args.out as string, `${renderResults(table)}${comparison ? `\n${comparison}\n` : ""}`);
  console.log(`\nwritten to ${args.out}`);
  return 0;
}

function renderTable(rows: Row[]): string {
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

function renderEvents(e: EventsResult): string {
  return [
    "| events (outbox → Redis Stream → postings) | result |",
    "|---|---|",
    `| idle lag, users commit → postings applied, ${e.lagEvents} renames at 25/s | p50 ${e.lagP50Ms.toFixed(1)} ms, p99 ${e.lagP99Ms.toFixed(1)} ms |`,
    `| relay throughput, burst of ${e.relayEvents} outbox rows → all XADDed | ${e.relayPerSecond.toFixed(0)} events/s |`,
    `| end to end, the same burst → all applied by postings | ${e.endToEndPerSecond.toFixed(0)} events/s |`,
  ].join("\n");
}

function renderResults(table: string): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  let kernel = "";
  try {
    kernel = readFileSync("/proc/version", "utf8").split(" ").slice(0, 3).join(" ");
  } catch {}
  return `# Benchmark results

Latest run of \`npm run bench\` (${new Date().toISOString()}), on ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${kernel}.
Everything — load generator, Envoy, services, PostgreSQL, Redis, Jaeger — shares these cores, so
ratios that need spare CPU (scale-out, bulkhead) are bounded by the machine, not the design.

Latency is measured from each request's intended send time (open loop) for the constant-rate rows,
and per request for the closed-loop (saturation) rows. Every ratio compares two runs of the same
process tree.

${table}

See bench/README.md for what each scenario does and how to read a ratio far from its ideal.
`;
}

process.exit(await main());
