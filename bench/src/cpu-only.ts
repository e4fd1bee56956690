import { parseArgs } from "node:util";
import { ensureLoadGenerators, ensureTools } from "@msa-board/stack/tools";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import type { CpuCase } from "./cpu-table.ts";
import { cpuCase, cpuSection, loadAverage, memorySection, withStack } from "./harness.ts";
import { type MemorySample, sampleMemoryAtRest } from "./memory-table.ts";
import { seedPostings } from "./seed.ts";

/**
 * `npm run bench -- cpu`: only "where the CPU goes" and the memory table, in about two minutes, for
 * trying a change to the request path. Printed, not written to RESULTS.md (that is the whole run's).
 */
export async function runCpuOnly(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { seconds: { type: "string", default: "10" } } });
  const seconds = Number(values.seconds);
  const began = loadAverage();
  const tools = await ensureTools();
  const gen = await ensureLoadGenerators();
  await prepareWorkspace(tools);
  const cpu: CpuCase[] = [];
  let memory: MemorySample | undefined;
  await withStack(tools, true, async (stack) => {
    const { gatewayUrl, services } = stack.describe();
    await seedPostings(stack, 10_000);
    cpu.push((await cpuCase(gen, stack, services.postings[0] as string, "direct to postings", seconds)).cpu);
    cpu.push((await cpuCase(gen, stack, gatewayUrl, "through the gateway", seconds)).cpu);
    memory = await sampleMemoryAtRest(stack);
  });
  await withStack(tools, false, async (stack) => {
    await seedPostings(stack, 10_000);
    // The same sequence as the traced stack (direct first), so postings' JIT is as warm when the gateway case runs.
    const { gatewayUrl, services } = stack.describe();
    cpu.push((await cpuCase(gen, stack, services.postings[0] as string, "direct, tracing off", seconds)).cpu);
    cpu.push((await cpuCase(gen, stack, gatewayUrl, "through the gateway, tracing off", seconds)).cpu);
  });
  console.log(`\nload average when it began: ${began}; when it ended: ${loadAverage()}\n`);
  console.log(`${cpuSection(cpu, seconds)}\n\n${memorySection(memory as MemorySample, "these runs")}`);
  return 0;
}
