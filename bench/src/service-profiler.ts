import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { restart, type Supervised, until } from "./restart-process.ts";

/**
 * Restarts one of the stack's Bun services (postings, users) under Bun's sampling profiler
 * (`--cpu-prof-md`, through BUN_OPTIONS in its environment only); `stop()` restarts it without, which
 * makes the profiled process write its markdown profile (top frames by self time, call tree) into
 * `dir` as it exits, and returns its path.
 */
export async function profileService(
  stack: { processes: Map<string, unknown> },
  name: "postings" | "users",
  dir: string,
): Promise<{ stop(): Promise<string> }> {
  const service = stack.processes.get(name) as Supervised | undefined;
  if (!service) throw new Error(`--cpu-prof needs the microservices shape's ${name} process`);
  mkdirSync(dir, { recursive: true });
  // The markdown to read, and the Chrome .cpuprofile beside it for tools that count samples.
  service.spec.env.BUN_OPTIONS = `--cpu-prof --cpu-prof-md --cpu-prof-dir=${dir}`;
  await restart(service, name);
  return {
    async stop() {
      delete service.spec.env.BUN_OPTIONS;
      await restart(service, name);
      let found: string | undefined;
      await until(() => {
        found = readdirSync(dir).find((f) => f.endsWith(".md"));
        return found !== undefined;
      }, `a CPU profile in ${dir}`);
      return join(dir, found as string);
    },
  };
}
