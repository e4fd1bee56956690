import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Stack } from "@msa-board/stack";
import { testConfig } from "@msa-board/stack/config";
import type { LoadGenerators, Tools } from "@msa-board/stack/tools";
import { type CpuCase, measureCpu, renderCpuTable } from "./cpu-table.ts";
import { wrkSaturate } from "./load/wrk.ts";
import { type MemorySample, QUIET_SECONDS, renderMemoryTable } from "./memory-table.ts";

/** Closed-loop connections of the GET /postings cases (gateway tax, tracing tax, where the CPU goes). */
export const CONNECTIONS = 16;
/** Bun's JIT needs thousands of requests to settle: after 2 s the first measured window cost postings 1.6× the CPU of the next. */
const CPU_WARMUP_S = 5;

export const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** A throw-away stack on free ports (the test stack's settings), traced or not, stopped and deleted afterwards. */
export async function withStack<T>(tools: Tools, tracing: boolean, fn: (stack: Stack) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "msa-board-bench-"));
  const config = await testConfig(dir);
  config.tracing = tracing;
  const stack = new Stack(config, tools);
  try {
    console.log(`▸ starting a ${tracing ? "traced" : "untraced"} stack`);
    await stack.start(() => {});
    return await fn(stack);
  } finally {
    await stack.stop(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** GET /postings?limit=20 closed loop through wrk, warmed up first, with the CPU of every process measured over the window. */
export async function cpuCase(gen: LoadGenerators, stack: Stack, base: string, caseLabel: string, seconds: number) {
  const spec = { url: `${base}/postings?limit=20` };
  await wrkSaturate(gen.wrk, "warm-up", spec, { connections: CONNECTIONS, durationS: CPU_WARMUP_S, warmupS: 0 });
  return measureCpu(stack, caseLabel, `wrk -t1 -c${CONNECTIONS}`, () =>
    wrkSaturate(gen.wrk, caseLabel, spec, { connections: CONNECTIONS, durationS: seconds, warmupS: 0 }),
  );
}

export const cpuSection = (cpu: CpuCase[], seconds: number) =>
  `## Where the CPU goes\n\nGET /postings?limit=20 (10,000 postings), wrk -t1 -c${CONNECTIONS} closed loop for ${seconds} s after a ${CPU_WARMUP_S} s warm-up; CPU from /proc (each process tree, children included) over the window, divided by the requests served. The runner is this process without its children; the load generator is wrk's own rusage.\n\n${renderCpuTable(cpu)}`;

export const memorySection = (memory: MemorySample, after: string) =>
  `## Memory\n\nΣ PSS from /proc/<pid>/smaps_rollup (shared pages split among their sharers) of the traced stack, after ${after}, once it has stayed settled for ${QUIET_SECONDS} s: idle pooled PostgreSQL connections have closed and the Bun processes have trimmed what a burst left (bench/README.md). PSS leaves out the kernel page cache, where PostgreSQL data beyond shared_buffers lives.\n\n${renderMemoryTable(memory)}`;
