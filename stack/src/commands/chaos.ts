import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../config.ts";

/** `npm run chaos -- …`: the fault soak lives with the end-to-end suites; see e2e/soak. */
export function runChaos(args: string[]): number {
  const result = spawnSync(process.execPath, [join(repoRoot, "e2e", "soak", "main.ts"), ...args], { stdio: "inherit" });
  return result.status ?? 1;
}
