import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import type { Stack } from "@msa-board/stack";
import { ensureLoadGenerators, ensureTools, type LoadGenerators } from "@msa-board/stack/tools";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import { loadAverage, withStack } from "../harness.ts";
import { restartWithEnv } from "../restart-process.ts";
import { writeSection } from "../results-sections.ts";
import { seedPostings } from "../seed.ts";
import { profileService } from "../service-profiler.ts";
import { readSide, renderProfileDiff } from "./profile-diff.ts";
import { msPerRequest, ratios, renderKnob, renderTracingTax } from "./report.ts";
import { measureWindow, type TaxWindow, warmUp } from "./window.ts";

const USAGE =
  "usage: npm run bench -- tracing-tax [--rounds 4] [--seconds 8] [--warmup 15] [--cpu-prof DIR] [--traced-env PROCESS:KEY=VALUE]… [--variant-env PROCESS:KEY=VALUE]… [--no-write] [--raw FILE]";

export type TaxOptions = { rounds: number; seconds: number; warmupS: number };

/**
 * A stack waits while the other one runs. The kit's idle trim (packages/service-kit, memory/idle-trim.ts)
 * drops a Bun service's compiled code after 30 s quiet, and the recompiling would then land in the
 * next window (measured: 1.47 against 1.02 ms per request). So no wait may come near 30 s: warm-ups
 * go in turns, and a window is at most MAX_WINDOW_S.
 */
const WARMUP_TURN_S = 5;
/**
 * Warm: postings' JIT compiler threads under this many ms per request in a turn. Settled windows
 * measured 0.004–0.014; a stack still compiling 0.05–0.2, which is most of a traced-untraced gap.
 */
const JIT_SETTLED_MS = 0.015;
const MAX_WARMUP_S = 120;
const MAX_WINDOW_S = 20;

/**
 * The alternation itself, on two running stacks: both warmed up, then per round one window on each,
 * the order swapped every round. Also used by `npm run bench` for its tracing-tax row.
 */
export async function alternate(
  gen: LoadGenerators,
  traced: Stack,
  untraced: Stack,
  o: TaxOptions,
): Promise<{ windows: TaxWindow[]; sent: Record<TaxWindow["side"], number>; warm: string }> {
  // Every request each stack was sent, warm-ups included: a CPU profile of the whole run is divided by it.
  const sent = { traced: 0, untraced: 0 };
  console.log(`▸ warming up both stacks in turns of ${WARMUP_TURN_S} s: at least ${o.warmupS} s each, until postings' JIT has settled`);
  let warm = "";
  for (let done = WARMUP_TURN_S; ; done += WARMUP_TURN_S) {
    const t = await warmUp(gen, traced, WARMUP_TURN_S);
    const u = await warmUp(gen, untraced, WARMUP_TURN_S);
    sent.traced += t.sent;
    sent.untraced += u.sent;
    const settled = t.jitMsPerRequest < JIT_SETTLED_MS && u.jitMsPerRequest < JIT_SETTLED_MS;
    if (done >= o.warmupS && (settled || done >= MAX_WARMUP_S)) {
      const jit = `${t.jitMsPerRequest.toFixed(3)} and ${u.jitMsPerRequest.toFixed(3)}`;
      const unsettled = settled ? "" : `; not settled after ${MAX_WARMUP_S} s, so the windows still pay some compiling`;
      warm = `warmed up in turns of ${WARMUP_TURN_S} s for ${done} s each, until postings' JIT compiler threads spent under ${JIT_SETTLED_MS} ms per request (last turn: ${jit}${unsettled})`;
      console.log(`  ${warm}`);
      break;
    }
  }
  const windows: TaxWindow[] = [];
  for (let round = 1; round <= o.rounds; round++) {
    const sides = round % 2 === 1 ? (["traced", "untraced"] as const) : (["untraced", "traced"] as const);
    for (const [i, side] of sides.entries()) {
      const [stack, idle] = side === "traced" ? [traced, untraced] : [untraced, traced];
      const w = await measureWindow(gen, stack, idle, { side, round, slot: i + 1, seconds: o.seconds });
      windows.push(w);
      sent[side] += w.rewarmSent + w.cpu.served;
      console.log(
        `  round ${round} ${side.padEnd(8)} ${w.cpu.throughput.toFixed(0).padStart(5)} req/s, ${(msPerRequest(w.cpu) as number).toFixed(3)} ms CPU per request (load ${w.loadAverage})`,
      );
    }
  }
  return { windows, sent, warm };
}

/** `--traced-env jaeger:GOMAXPROCS=1` → jaeger gets GOMAXPROCS=1; undefined when one is malformed. */
export function parseTracedEnv(specs: string[]): Map<string, Record<string, string>> | undefined {
  const out = new Map<string, Record<string, string>>();
  for (const spec of specs) {
    const m = /^([\w-]+):(\w+)=(.*)$/.exec(spec);
    if (!m) return undefined;
    const [, name, key, value] = m as unknown as [string, string, string, string];
    out.set(name, { ...out.get(name), [key]: value });
  }
  return out;
}

/**
 * `npm run bench -- tracing-tax`: a traced and an untraced throw-away stack at once, alternating
 * short windows between them, so the ratio compares like with like on a machine that drifts.
 */
export async function runTracingTax(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: "string", default: "4" },
      seconds: { type: "string", default: "8" },
      warmup: { type: "string", default: "15" },
      "cpu-prof": { type: "string" },
      "traced-env": { type: "string", multiple: true, default: [] },
      "variant-env": { type: "string", multiple: true, default: [] },
      "no-write": { type: "boolean", default: false },
      out: { type: "string", default: join(import.meta.dir, "..", "..", "RESULTS.md") },
      raw: { type: "string", default: join(import.meta.dir, "..", "..", "results", "tracing-tax.json") },
    },
  });
  const o: TaxOptions = { rounds: Number(values.rounds), seconds: Number(values.seconds), warmupS: Number(values.warmup) };
  if (!Number.isInteger(o.rounds) || o.rounds < 1 || !(o.seconds >= 1 && o.seconds <= MAX_WINDOW_S) || !(o.warmupS >= 1)) {
    console.error(`${USAGE}\n--rounds takes a whole number ≥ 1, --seconds a number from 1 to ${MAX_WINDOW_S}, --warmup a number ≥ 1`);
    return 2;
  }
  const tracedEnv = parseTracedEnv(values["traced-env"] as string[]);
  const variantEnv = parseTracedEnv(values["variant-env"] as string[]);
  if (tracedEnv === undefined || variantEnv === undefined) {
    console.error(`${USAGE}\n--traced-env and --variant-env take PROCESS:KEY=VALUE, e.g. jaeger:GOMAXPROCS=1`);
    return 2;
  }
  const began = loadAverage();
  const started = new Date().toISOString();
  const tools = await ensureTools();
  const gen = await ensureLoadGenerators();
  await prepareWorkspace(tools);
  const cpuProf = values["cpu-prof"];
  // With --variant-env the second stack is traced too, with the knob: the same alternation then measures the knob.
  const knob = variantEnv.size > 0;
  const { windows, warm } = await withStack(tools, true, (traced) =>
    withStack(tools, knob, async (untraced) => {
      await seedPostings(traced, 10_000);
      await seedPostings(untraced, 10_000);
      for (const [stack, envs] of [[traced, tracedEnv] as const, [untraced, variantEnv] as const])
        for (const [name, env] of envs) {
          console.log(`▸ restarting ${stack === traced ? "the first" : "the second"} stack's ${name} with ${JSON.stringify(env)}`);
          await restartWithEnv(stack, name, env);
        }
      if (!cpuProf) return alternate(gen, traced, untraced, o);
      return profiled(gen, traced, untraced, o, cpuProf);
    }),
  );
  const meta = { started, ...o, warm, loadAverage: { began, ended: loadAverage() }, variant: describeEnv(tracedEnv) };
  const section = knob ? renderKnob(windows, { ...meta, variant: describeEnv(variantEnv) }) : renderTracingTax(windows, meta);
  console.log(`\n${section}`);
  if (ratios(windows).throughput.length === 0) throw new Error("no round measured both sides");
  mkdirSync(dirname(values.raw as string), { recursive: true });
  const envs = { tracedEnv: Object.fromEntries(tracedEnv), variantEnv: Object.fromEntries(variantEnv) };
  writeFileSync(values.raw as string, `${JSON.stringify({ started, options: o, ...envs, windows }, null, 2)}\n`);
  // A knob's A/B is a look at one setting, not the figure RESULTS.md reports.
  if (values["no-write"] || knob) {
    console.log(`\nraw windows: ${values.raw} (RESULTS.md left as it was)`);
    return 0;
  }
  writeSection(values.out as string, "tracing-tax", section);
  console.log(`\nwritten to ${values.out} (raw windows: ${values.raw})`);
  return 0;
}

const describeEnv = (envs: Map<string, Record<string, string>>) =>
  [...envs]
    .map(
      ([n, env]) =>
        `${n}: ${Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join(" ")}`,
    )
    .join("; ");

/** The alternation with both postings under Bun's profiler (each side pays it alike), then the two profiles compared. */
async function profiled(gen: LoadGenerators, traced: Stack, untraced: Stack, o: TaxOptions, dir: string) {
  const profilers = {
    traced: await profileService(traced, "postings", join(dir, "traced")),
    untraced: await profileService(untraced, "postings", join(dir, "untraced")),
  };
  const result = await alternate(gen, traced, untraced, o);
  for (const side of ["traced", "untraced"] as const) {
    console.log(`▸ CPU profile of ${side} postings, ${result.sent[side]} requests sent: ${await profilers[side].stop()}`);
    writeFileSync(join(dir, side, "requests.json"), JSON.stringify({ sent: result.sent[side] }));
  }
  const diff = renderProfileDiff(
    (await readSide(join(dir, "traced"))).counts,
    result.sent.traced,
    (await readSide(join(dir, "untraced"))).counts,
    result.sent.untraced,
  );
  writeFileSync(join(dir, "diff.md"), `${diff}\n`);
  console.log(`\n${diff}\n`);
  return result;
}
