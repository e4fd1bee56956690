/**
 * `npm run bench -- events`: the events measurements alone, on throw-away traced stacks. Each round
 * starts a fresh stack per side, warms it up with a `--warm-up`-row burst (not reported), then times one burst
 * of `--burst` outbox rows (relay and end-to-end events/s) with the CPU milliseconds per event of every
 * process tree beside it. With `--before REV` the rounds alternate between two revisions.
 *   npm run bench -- events [--burst 10000] [--warm-up 500] [--rounds 3] [--before REV [--after REV|WORKTREE]] [--lag-count 1000] [--cpu-prof DIR [--cpu-prof-service postings|users]]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Stack } from "@msa-board/stack";
import { prepareSide, type Side, type SideStack } from "./before-after/side.ts";
import { measureBurst, measureIdleLag } from "./events.ts";
import { type BurstRun, renderBurstSummary } from "./events-summary.ts";
import { loadAverage } from "./harness.ts";
import { cpuSecondsBetween, sampleTrees } from "./proc-stats.ts";
import { profileService } from "./service-profiler.ts";
import { sampleThreads, type ThreadSample, threadCpuBetween } from "./thread-stats.ts";

const USAGE =
  "usage: npm run bench -- events [--burst 10000] [--warm-up 500] [--rounds 3] [--before REV [--after REV|WORKTREE]] [--lag-count 0] [--cpu-prof DIR [--cpu-prof-service postings|users]]";

type ProfiledService = "postings" | "users";
const isProfiledService = (name: string | undefined): name is ProfiledService => name === "postings" || name === "users";

const cpuTrees = (stack: SideStack) => sampleTrees(Object.fromEntries([...stack.processes.values()].map((p) => [p.name, p.pid])));

const BUN_SERVICES = ["users", "postings"] as const;
const servicePids = (stack: SideStack) =>
  BUN_SERVICES.map((name) => stack.processes.get(name)?.pid).filter((pid): pid is number => pid !== undefined);

/**
 * Each Bun service's busiest threads over the burst — the event loop (`bun`), JavaScriptCore's
 * compiler (`JITWorker`) and collector (`HeapHelper`): a burst soon after start-up also pays for
 * compiling its hot code, which `--warm-up` moves out of the measurement.
 */
function threadLines(stack: SideStack, before: ThreadSample, after: ThreadSample, events: number): string {
  return BUN_SERVICES.map((name) => {
    const pid = stack.processes.get(name)?.pid;
    const mine = (sample: ThreadSample): ThreadSample => new Map([...sample].filter(([, t]) => t.pid === pid));
    const top = threadCpuBetween(mine(before), mine(after))
      .slice(0, 3)
      .map((t) => `${t.name} ${(((t.userS + t.systemS) * 1000) / events).toFixed(3)}`);
    return `${name} ${top.join(", ")}`;
  }).join(" · ");
}

async function burstOnce(
  side: Side,
  round: number,
  o: { burst: number; warmUp: number; lagCount: number; cpuProf?: { dir: string; service: ProfiledService } },
): Promise<BurstRun> {
  const dir = mkdtempSync(join(tmpdir(), "msa-board-events-"));
  const stack = await side.startStack(dir, true);
  try {
    const profiler = o.cpuProf ? await profileService(stack, o.cpuProf.service, o.cpuProf.dir) : undefined;
    // Warms up both services (JIT, connections, plans).
    await measureBurst(stack as unknown as Stack, { burst: o.warmUp });
    const before = cpuTrees(stack);
    const threadsBefore = sampleThreads(servicePids(stack));
    const r = await measureBurst(stack as unknown as Stack, { burst: o.burst });
    const threads = threadLines(stack, threadsBefore, sampleThreads(servicePids(stack)), r.relayEvents);
    const cpuS = cpuSecondsBetween(before, cpuTrees(stack));
    const load = loadAverage();
    const cpuMsPerEvent = Object.fromEntries(Object.entries(cpuS).map(([name, s]) => [name, (s * 1000) / r.relayEvents]));
    const run: BurstRun = {
      side: side.label,
      round,
      relayPerSecond: r.relayPerSecond,
      endToEndPerSecond: r.endToEndPerSecond,
      cpuMsPerEvent,
      load,
    };
    const busiest = Object.entries(cpuMsPerEvent)
      .filter(([, ms]) => ms >= 0.005)
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => `${name} ${ms.toFixed(2)}`);
    console.log(
      `${side.label} round ${round}: relay ${r.relayPerSecond.toFixed(0)} ev/s, end to end ${r.endToEndPerSecond.toFixed(0)} ev/s (load ${load})`,
    );
    console.log(`  CPU ms/event: ${busiest.join(" · ")}`);
    console.log(`  by thread, CPU ms/event: ${threads}`);
    if (profiler) console.log(`  ${o.cpuProf?.service} CPU profile: ${await profiler.stop()}`);
    if (o.lagCount > 0) {
      const lag = await measureIdleLag(stack as unknown as Stack, { count: o.lagCount });
      console.log(`  idle lag: ${lag.lagEvents} events, p50 ${lag.lagP50Ms} ms, p99 ${lag.lagP99Ms} ms (load ${loadAverage()})`);
    }
    return run;
  } finally {
    await stack.stop(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runEvents(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      burst: { type: "string", default: "10000" },
      "warm-up": { type: "string", default: "500" },
      rounds: { type: "string", default: "3" },
      before: { type: "string" },
      after: { type: "string", default: "WORKTREE" },
      "lag-count": { type: "string", default: "0" },
      "cpu-prof": { type: "string" },
      "cpu-prof-service": { type: "string", default: "postings" },
    },
  });
  const burst = Number(values.burst);
  const warmUp = Number(values["warm-up"]);
  const rounds = Number(values.rounds);
  const lagCount = Number(values["lag-count"]);
  const profiled = values["cpu-prof-service"];
  if (
    ![burst, rounds, warmUp].every((n) => Number.isInteger(n) && n >= 1) ||
    !Number.isInteger(lagCount) ||
    lagCount < 0 ||
    !isProfiledService(profiled)
  ) {
    console.error(USAGE);
    return 2;
  }
  const after = await prepareSide(values.before ? "after" : "this", values.after as string);
  const before = values.before ? await prepareSide("before", values.before) : undefined;
  const runs: BurstRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Alternating order: a machine that drifts during the session weighs on both sides alike.
    const order = before ? (round % 2 === 1 ? [before, after] : [after, before]) : [after];
    for (const side of order) {
      const cpuProf =
        side === after && values["cpu-prof"] ? { dir: join(values["cpu-prof"], `round-${round}`), service: profiled } : undefined;
      runs.push(await burstOnce(side, round, { burst, warmUp, lagCount, ...(cpuProf ? { cpuProf } : {}) }));
    }
  }
  console.log(`\n${renderBurstSummary(runs, burst)}`);
  return 0;
}

if (import.meta.main) process.exit(await runEvents(process.argv.slice(2)));
