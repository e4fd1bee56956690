import type { LoadResult } from "../load-generator.ts";

/** A finished run and what the load generator itself cost (its child process's CPU). */
export type GeneratorRun = LoadResult & { generatorCpuS: number };

/** The bench only ever loads this machine's loopback: a typo must never point a load generator at someone else. */
export function assertLocal(url: string): void {
  const { hostname, protocol } = new URL(url);
  if (hostname !== "127.0.0.1" || protocol !== "http:") throw new Error(`the bench only loads http://127.0.0.1, not ${url}`);
}

/**
 * CPU seconds a finished child used (user + system, from its rusage, in µs): the load generator's own
 * cost. Bun's types say number; Bun 1.3 returns a bigint.
 */
export function childCpuSeconds(proc: { resourceUsage(): { cpuTime: { total: number | bigint } } | undefined }): number {
  const usage = proc.resourceUsage();
  if (!usage) throw new Error("the load generator's resource usage is not available (has it exited?)");
  return Number(usage.cpuTime.total) / 1e6;
}
