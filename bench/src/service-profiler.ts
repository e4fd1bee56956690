import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** What the profiler needs of a stack's service process (a supervised ManagedProcess). */
type Supervised = {
  pid?: number;
  spec: { env: Record<string, string> };
  kill(signal?: NodeJS.Signals): boolean;
  healthy(): Promise<boolean>;
};

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

/** SIGTERM the process and wait until the supervisor has it running (and healthy) again under a new pid. */
async function restart(p: Supervised, name: string): Promise<void> {
  const old = p.pid;
  p.kill("SIGTERM");
  await until(async () => p.pid !== undefined && p.pid !== old && (await p.healthy()), `${name} to restart`);
}

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
