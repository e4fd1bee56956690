import { parseArgs } from "node:util";
import type { Stack } from "@msa-board/stack";
import { scaleService } from "@msa-board/stack/rollouts";
import { ensureLoadGenerators, ensureTools, type LoadGenerators } from "@msa-board/stack/tools";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import { measureCpu } from "./cpu-table.ts";
import { measureBurst, measureIdleLag } from "./events.ts";
import { loadAverage, memorySection, withStack } from "./harness.ts";
import { vegetaRate } from "./load/vegeta.ts";
import { wrkSaturate } from "./load/wrk.ts";
import { type MemorySample, sampleMemoryAtRest } from "./memory-table.ts";
import { seedPostings } from "./seed.ts";

/**
 * `npm run bench -- memory`: the memory table of the whole bench in a few minutes, for trying a
 * change to what the stack holds at rest. The same kinds of load in the same order as `npm run
 * bench` (GET /postings direct and through the gateway, GET /notice, a login flood, a second postings
 * replica and back, the seed to `--big-rows` and pages read from it, renames and an outbox burst),
 * each for `--seconds` instead of a measured window, then the same sample at rest. Printed, not
 * written to RESULTS.md. `--hold S` keeps the stack up S seconds after the sample (its pids printed),
 * to look inside its processes.
 */
export async function runMemory(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: "string", default: "5" },
      "big-rows": { type: "string", default: "1000000" },
      hold: { type: "string", default: "0" },
    },
  });
  const seconds = Number(values.seconds);
  const bigRows = Number(values["big-rows"]);
  const began = loadAverage();
  const tools = await ensureTools();
  const gen = await ensureLoadGenerators();
  await prepareWorkspace(tools);
  let memory: MemorySample | undefined;
  await withStack(tools, true, async (stack) => {
    const cpu = await load(gen, stack, seconds, bigRows);
    console.log("▸ memory at idle after the load");
    memory = await sampleMemoryAtRest(stack);
    console.log(`\nload average when it began: ${began}; now: ${loadAverage()}\n`);
    console.log(memorySection(memory, `a short run of the bench's load (${seconds} s each, ${bigRows.toLocaleString("en")} postings)`));
    console.log(`\n${cpu}\n\n${await jaegerRuntime(stack)}`);
    const hold = Number(values.hold);
    if (hold > 0) {
      const pids = [...stack.processes.values()].map((p) => `${p.name}=${p.pid}`).join(" ");
      console.log(`\nholding the stack ${hold} s: ${pids}; Jaeger metrics on 127.0.0.1:${stack.config.ports.jaegerMetrics}`);
      await Bun.sleep(hold * 1000);
    }
  });
  return 0;
}

/** Returns each process's CPU ms per request through the gateway (the cost side of a memory setting). */
async function load(gen: LoadGenerators, stack: Stack, seconds: number, bigRows: number): Promise<string> {
  const { gatewayUrl, services } = stack.describe();
  const direct = services.postings[0] as string;
  const list = (base: string) => ({ url: `${base}/postings?limit=20` });
  const wrk = (label: string, spec: { url: string; method?: string; headers?: Record<string, string>; body?: string }, connections = 16) =>
    wrkSaturate(gen.wrk, label, spec, { connections, durationS: seconds, warmupS: 0 });
  await seedPostings(stack, 10_000);
  console.log("▸ GET /postings, GET /notice, a login flood");
  await wrk("direct", list(direct));
  const { cpu } = await measureCpu(stack, "gateway", "wrk", () => wrk("gateway", list(gatewayUrl)));
  const perRequest = Object.entries(cpu.cpuS)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name.split(" (")[0]} ${((s * 1000) / cpu.served).toFixed(3)}`);
  const notice = (base: string) => () => ({ url: `${base}/notice` });
  await vegetaRate(gen.vegeta, "notice direct", notice(services.notices[0] as string), { rate: 100, durationS: seconds });
  await vegetaRate(gen.vegeta, "notice gateway", notice(gatewayUrl), { rate: 100, durationS: seconds });
  const login = {
    url: `${gatewayUrl}/login`,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(stack.config.admin),
  };
  await wrk("login flood", login, 8);
  console.log("▸ a second postings replica and back");
  await scaleService(stack, "postings", 2);
  await wrk("2 replicas", list(gatewayUrl), 32);
  await scaleService(stack, "postings", 1);
  await seedPostings(stack, bigRows - 10_000);
  console.log("▸ pages of the big table, events");
  const pages = await listPages(gen, direct, seconds);
  await measureIdleLag(stack, { count: 25 * seconds });
  await measureBurst(stack);
  return `${pages}\nCPU ms per GET /postings through the gateway (${cpu.served} requests, ${seconds} s): ${perRequest.join(", ")}`;
}

/** Page 1 and page 400 of the big table at 100 req/s direct, as the list-cost row reads them (median / p99). */
async function listPages(gen: LoadGenerators, direct: string, seconds: number): Promise<string> {
  let cursor: string | null = null;
  for (let page = 1; page < 400; page++) {
    const res: Response = await fetch(`${direct}/postings?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    cursor = ((await res.json()) as { nextCursor: string | null }).nextCursor;
  }
  const at = (c: string | null) => () => ({ url: `${direct}/postings?limit=20${c ? `&cursor=${encodeURIComponent(c)}` : ""}` });
  const first = await vegetaRate(gen.vegeta, "page 1", at(null), { rate: 100, durationS: seconds });
  const deep = await vegetaRate(gen.vegeta, "page 400", at(cursor), { rate: 100, durationS: seconds });
  const ms = (r: { medianMs: number; p99Ms: number }) => `${r.medianMs.toFixed(2)} / ${r.p99Ms.toFixed(2)} ms`;
  return `Big table, direct at 100 req/s, median / p99: page 1 ${ms(first)}, page 400 ${ms(deep)}`;
}

/** Jaeger's Go runtime as its own metrics report it (heap in use, memory taken from the OS). */
async function jaegerRuntime(stack: Stack): Promise<string> {
  const url = `http://127.0.0.1:${stack.config.ports.jaegerMetrics}/metrics`;
  const text = await (await fetch(url)).text();
  const lines = text
    .split("\n")
    .filter((l) => /^(otelcol_process_(runtime|memory)|go_memstats_(heap|sys|next_gc)|go_gc_gomemlimit)/.test(l));
  return `Jaeger's runtime (${url}):\n${lines.join("\n") || "(no runtime metrics exposed)"}`;
}
