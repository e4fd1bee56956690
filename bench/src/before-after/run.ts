import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { ensureLoadGenerators, type LoadGenerators } from "@msa-board/stack/tools";
import type { CpuCase } from "../cpu-table.ts";
import { type EventsResult, measureEvents } from "../events.ts";
import { cpuCase } from "../harness.ts";
import { type MemorySample, sampleMemoryAtRest } from "../memory-table.ts";
import { writeSection } from "../results-sections.ts";
import { seedPostings } from "../seed.ts";
import { renderBeforeAfter, totalMs } from "./report.ts";
import { prepareSide, type Side, type SideStack } from "./side.ts";

/** Everything one run of one side measured; kept raw in results/before-after.json. */
export type SideRun = {
  side: string;
  revision: string;
  round: number;
  startedAt: string;
  loadAverage: number[];
  /** Each path's CPU by process (the shared "where the CPU goes" measurement). */
  paths: CpuCase[];
  /** Σ PSS per process tree of the traced stack once it has settled after its load. */
  memory: MemorySample;
  events?: EventsResult;
};

const log = (line: string) => console.log(line);

async function withStack<T>(side: Side, tracing: boolean, fn: (stack: SideStack) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "msa-board-before-after-"));
  const stack = await side.startStack(dir, tracing);
  try {
    return await fn(stack);
  } finally {
    await stack.stop(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One run: a traced stack (direct, through the gateway, events), then an untraced one (through the gateway). */
async function runSide(side: Side, gen: LoadGenerators, round: number, o: { seconds: number; events: boolean }): Promise<SideRun> {
  const startedAt = new Date().toISOString();
  const loadAverage = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
  log(`▸ round ${round}: ${side.label} (${side.revision}), load ${loadAverage[0]}`);
  // The side's stack, measured by this revision's harness (the same wrk runs and /proc readings for both).
  const measure = async (stack: SideStack, base: string, label: string) => (await cpuCase(gen, stack as never, base, label, o.seconds)).cpu;
  const paths: CpuCase[] = [];
  let memory: MemorySample | undefined;
  let events: EventsResult | undefined;
  await withStack(side, true, async (stack) => {
    await seedPostings(stack as never, 10_000);
    const { gatewayUrl, services } = stack.describe();
    paths.push(await measure(stack, services.postings?.[0] as string, "direct"));
    paths.push(await measure(stack, gatewayUrl, "gateway"));
    if (o.events) events = await measureEvents(stack as never, { burst: 10_000 });
    memory = await sampleMemoryAtRest(stack as never);
  });
  await withStack(side, false, async (stack) => {
    await seedPostings(stack as never, 10_000);
    const { gatewayUrl, services } = stack.describe();
    // The same sequence as the traced stack, so postings' JIT is as warm when the gateway case runs.
    await measure(stack, services.postings?.[0] as string, "direct, tracing off");
    paths.push(await measure(stack, gatewayUrl, "gateway, tracing off"));
  });
  for (const p of paths)
    log(`  ${p.label.padEnd(22)} ${p.throughput.toFixed(0).padStart(5)} req/s, ${totalMs(p).toFixed(3)} ms CPU per request`);
  return { side: side.label, revision: side.revision, round, startedAt, loadAverage, paths, memory: memory as MemorySample, events };
}

/**
 * `npm run bench -- before-after --before REV [--after REV]`: the same measurements on two revisions,
 * each side started fresh from its own code, alternating the order round by round.
 */
export async function runBeforeAfter(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      before: { type: "string" },
      after: { type: "string", default: "WORKTREE" },
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "10" },
      events: { type: "boolean", default: false },
      out: { type: "string", default: join(import.meta.dir, "..", "..", "RESULTS.md") },
      raw: { type: "string", default: join(import.meta.dir, "..", "..", "results", "before-after.json") },
    },
  });
  if (!values.before) {
    console.error("usage: npm run bench -- before-after --before REV [--after REV|WORKTREE] [--rounds 3] [--seconds 10] [--events]");
    return 2;
  }
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(rounds) || rounds < 1 || !(seconds > 0)) {
    console.error("--rounds takes a whole number ≥ 1, --seconds a positive number");
    return 2;
  }
  const gen = await ensureLoadGenerators();
  const before = await prepareSide("before", values.before);
  const after = await prepareSide("after", values.after as string);
  const runs: SideRun[] = [];
  const started = new Date().toISOString();
  for (let round = 1; round <= rounds; round++) {
    // Alternating order: a machine that drifts during the session weighs on both sides alike.
    const order = round % 2 === 1 ? [before, after] : [after, before];
    for (const side of order) runs.push(await runSide(side, gen, round, { seconds, events: values.events as boolean }));
  }
  mkdirSync(dirname(values.raw as string), { recursive: true });
  writeFileSync(values.raw as string, `${JSON.stringify({ started, options: { rounds, seconds }, runs }, null, 2)}\n`);
  const section = renderBeforeAfter(runs, { started, rounds, seconds });
  console.log(`\n${section}`);
  writeSection(values.out as string, "before-after", section);
  console.log(`\nwritten to ${values.out} (raw runs: ${values.raw})`);
  return 0;
}
