import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** What the profiler needs of the stack's postings process (a supervised ManagedProcess). */
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
async function restart(p: Supervised): Promise<void> {
  const old = p.pid;
  p.kill("SIGTERM");
  await until(async () => p.pid !== undefined && p.pid !== old && (await p.healthy()), "postings to restart");
}

/**
 * Restarts the stack's postings under Bun's sampling profiler (`--cpu-prof-md`, through BUN_OPTIONS
 * in its environment only); `stop()` restarts it without, which makes the profiled process write its
 * markdown profile (top frames by self time, call tree) into `dir` as it exits, and returns its path.
 */
export async function profilePostings(stack: { processes: Map<string, unknown> }, dir: string): Promise<{ stop(): Promise<string> }> {
  const postings = stack.processes.get("postings") as Supervised | undefined;
  if (!postings) throw new Error("--cpu-prof needs the microservices shape's postings process");
  mkdirSync(dir, { recursive: true });
  postings.spec.env.BUN_OPTIONS = `--cpu-prof-md --cpu-prof-dir=${dir}`;
  await restart(postings);
  return {
    async stop() {
      delete postings.spec.env.BUN_OPTIONS;
      await restart(postings);
      let found: string | undefined;
      await until(() => {
        found = readdirSync(dir).find((f) => f.endsWith(".md"));
        return found !== undefined;
      }, `a CPU profile in ${dir}`);
      return join(dir, found as string);
    },
  };
}
