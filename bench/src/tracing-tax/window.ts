import type { Stack } from "@msa-board/stack";
import type { LoadGenerators } from "@msa-board/stack/tools";
import { type CpuCase, measureCpu } from "../cpu-table.ts";
import { CONNECTIONS } from "../harness.ts";
import { wrkSaturate } from "../load/wrk.ts";
import { cpuSecondsBetween, sampleTrees } from "../proc-stats.ts";
import { sampleThreads, type ThreadCpu, type ThreadSample, threadCpuBetween } from "../thread-stats.ts";

/** One measured window of one stack, kept raw in results/tracing-tax.json. */
export type TaxWindow = {
  side: "traced" | "untraced";
  round: number;
  /** 1 or 2: which of the round's two windows this was (the order alternates round by round). */
  slot: number;
  loadAverage: number;
  /** CPU seconds by process tree (and runner, load generator) over the window, and the requests served. */
  cpu: CpuCase;
  /** CPU by thread name of the processes the tax lands on, user and kernel apart. */
  threads: Record<string, ThreadCpu[]>;
  /** CPU seconds the other (idle) stack used meanwhile: it should be close to nothing. */
  idleStackCpuS: number;
  /** Wall-clock seconds the window lasted (wrk's run, start-up included). */
  wallS: number;
  /** wrk's latency over the window. */
  latency: { medianMs: number; p99Ms: number };
  /** Requests of the re-warm before the window: with the warm-ups, what a whole-run CPU profile saw. */
  rewarmSent: number;
};

/** The processes whose threads are split out: the service on the measured path, the gateway and the trace store. */
export const THREAD_PROCESSES = ["postings", "gateway", "jaeger"];

const roots = (stack: Stack) => Object.fromEntries([...stack.processes.values()].map((p) => [p.name, p.pid]));
const loadAverageNow = async () => Number((await Bun.file("/proc/loadavg").text()).split(" ")[0]);

/** Every pid of the named process trees (a process and its children, e.g. `deno task` → deno). */
function pidsOf(stack: Stack, names: string[]): Record<string, number[]> {
  const trees = sampleTrees(Object.fromEntries(names.map((n) => [n, stack.processes.get(n)?.pid])));
  return Object.fromEntries(Object.entries(trees).map(([n, t]) => [n, t.pids]));
}

export const pathUrl = (stack: Stack) => `${stack.describe().gatewayUrl}/postings?limit=20`;

/**
 * One turn of a stack's warm-up: the requests sent, and what postings' JIT compiler threads spent per
 * request meanwhile. Bun's JIT needs thousands of requests (not seconds: on a busy machine fewer are
 * served) before a window means anything; while it still compiles, its threads show it.
 */
export async function warmUp(gen: LoadGenerators, stack: Stack, seconds: number): Promise<{ sent: number; jitMsPerRequest: number }> {
  const pids = pidsOf(stack, ["postings"]).postings ?? [];
  const before = sampleThreads(pids);
  const run = await wrkSaturate(gen.wrk, "warm-up", { url: pathUrl(stack) }, { connections: CONNECTIONS, durationS: seconds, warmupS: 0 });
  const jitS = threadCpuBetween(before, sampleThreads(pids))
    .filter((t) => t.name.startsWith("JIT"))
    .reduce((n, t) => n + t.userS + t.systemS, 0);
  return { sent: run.sent, jitMsPerRequest: run.sent ? (jitS * 1000) / run.sent : Number.POSITIVE_INFINITY };
}

/**
 * GET /postings?limit=20 through `stack`'s gateway, closed loop, after a short re-warm (the stack
 * sat idle while the other side ran): every process tree's CPU, the threads of THREAD_PROCESSES,
 * and the idle stack's CPU over the same window.
 */
export async function measureWindow(
  gen: LoadGenerators,
  stack: Stack,
  idle: Stack,
  o: { side: TaxWindow["side"]; round: number; slot: number; seconds: number },
): Promise<TaxWindow> {
  const loadAverage = await loadAverageNow();
  const spec = { url: pathUrl(stack) };
  const rewarm = await wrkSaturate(gen.wrk, "re-warm", spec, { connections: CONNECTIONS, durationS: 1, warmupS: 0 });
  const pids = pidsOf(stack, THREAD_PROCESSES);
  const threadsBefore = Object.fromEntries(Object.entries(pids).map(([n, ps]) => [n, sampleThreads(ps)]));
  const idleBefore = sampleTrees(roots(idle));
  const began = performance.now();
  const { cpu, run } = await measureCpu(stack, o.side, `wrk -t1 -c${CONNECTIONS}`, () =>
    wrkSaturate(gen.wrk, o.side, spec, { connections: CONNECTIONS, durationS: o.seconds, warmupS: 0 }),
  );
  const wallS = (performance.now() - began) / 1000;
  const idleStackCpuS = Object.values(cpuSecondsBetween(idleBefore, sampleTrees(roots(idle)))).reduce((a, b) => a + b, 0);
  const threads = Object.fromEntries(
    Object.entries(pids).map(([n, ps]) => [n, threadCpuBetween(threadsBefore[n] as ThreadSample, sampleThreads(ps))]),
  );
  return {
    side: o.side,
    round: o.round,
    slot: o.slot,
    loadAverage,
    cpu,
    threads,
    idleStackCpuS,
    wallS,
    rewarmSent: rewarm.sent,
    latency: { medianMs: run.medianMs, p99Ms: run.p99Ms },
  };
}
