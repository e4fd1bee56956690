import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../config.ts";

/** `npm run trace -- …`: the trace CLI lives with the observability package. */
export function runTraceCli(args: string[]): number {
  const result = spawnSync(process.execPath, [join(repoRoot, "observability", "src", "trace-cli.ts"), ...args], { stdio: "inherit" });
  return result.status ?? 1;
}
