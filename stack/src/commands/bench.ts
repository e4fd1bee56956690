import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../config.ts";

/** `npm run bench`: the benchmark driver starts its own stacks; see bench/README.md. */
export function runBench(args: string[]): number {
  const result = spawnSync(process.execPath, [join(repoRoot, "bench", "src", "main.ts"), ...args], { stdio: "inherit" });
  return result.status ?? 1;
}
