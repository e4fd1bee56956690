import { readFileSync } from "node:fs";
import type { Stack } from "@msa-board/stack";
import type { Shape } from "@msa-board/stack/shapes";
import { vegetaRate } from "../load/vegeta.ts";
import type { LoadResult } from "../load-generator.ts";
import { cpuSecondsBetween, sampleTrees } from "../proc-stats.ts";
import { type NoticesAssault, setNoticesAssault } from "./assaults.ts";
import { seedBoard } from "./board-mix.ts";

/**
 * Failure isolation: the same fault in notices under steady load, and what the *other* routes see.
 * - `notices killed`: SIGKILL the process that runs notices (microservices: notices; monolith: the
 *   monolith, which is notices' process), the supervisor restarts it;
 * - `notices' Redis gone`: its store stopped for the window, then started again;
 * - `notices handler slow` / `CPU-hogging`: an assault set through notices' opt-in fault control
 *   (the stack runs with `faultInjection` for these): each notices request waits 500 ms
 *   (asynchronously), or burns 20 ms of CPU on its event loop — which in the monolith is every
 *   module's event loop.
 */

export type IsolationFault =
  | "notices killed"
  | "notices' Redis gone"
  | "notices handler slow (+500 ms)"
  | "notices handler CPU-hogging (20 ms CPU/request)";
export const FAULTS: IsolationFault[] = [
  "notices killed",
  "notices' Redis gone",
  "notices handler slow (+500 ms)",
  "notices handler CPU-hogging (20 ms CPU/request)",
];

/** The faults set through notices' fault control: their stacks start with fault injection on. */
export const ASSAULTS: Partial<Record<IsolationFault, NoticesAssault>> = {
  "notices handler slow (+500 ms)": { kind: "latency", ms: 500 },
  "notices handler CPU-hogging (20 ms CPU/request)": { kind: "cpu", ms: 20 },
};

export type RouteWindow = { route: string; window: "before" | "during fault" | "during roll"; result: LoadResult };
export type IsolationRun = {
  shape: Shape;
  fault: IsolationFault;
  windows: RouteWindow[];
  /** /proc/loadavg (1, 5, 15 min) when the run began: how busy the shared machine was (older raw files lack it). */
  loadAverage?: number[];
  /**
   * Assaults only: CPU seconds (from /proc, robust to other load) the process hosting notices used in
   * each window — the evidence a CPU assault burnt what it says, whatever the latencies show.
   */
  hostCpuSeconds?: { process: string; before: number; during: number };
};

const POSTINGS_RATE = 40;
const LOGIN_RATE = 2;
// Not a divisor of the postings rate: two constant-rate streams whose periods divide each other keep
// one phase for the whole window, and a CPU-hogging notice request (20 ms of every 100 ms at 10/s)
// could then always fall between two postings requests and show nothing. At 11/s the phases drift.
const NOTICE_RATE = 11;

/** Steady load on three routes for `seconds`: GET /postings 40/s, POST /login 2/s, GET /notice 11/s. */
export async function window(
  stack: Stack,
  vegeta: string,
  fixtures: Awaited<ReturnType<typeof seedBoard>>,
  seconds: number,
  label: RouteWindow["window"],
  noticeRoute = "GET /notice (the faulty module)",
) {
  const g = stack.describe().gatewayUrl;
  const user = fixtures.users[0] as { email: string; password: string };
  const login = JSON.stringify({ email: user.email, password: user.password });
  const [postings, logins, notices] = await Promise.all([
    vegetaRate(vegeta, "GET /postings", () => ({ url: `${g}/postings?limit=20` }), { rate: POSTINGS_RATE, durationS: seconds, warmupS: 0 }),
    vegetaRate(
      vegeta,
      "POST /login",
      () => ({ url: `${g}/login`, method: "POST", headers: { "content-type": "application/json" }, body: login }),
      { rate: LOGIN_RATE, durationS: seconds, warmupS: 0 },
    ),
    vegetaRate(vegeta, "GET /notice", () => ({ url: `${g}/notice` }), { rate: NOTICE_RATE, durationS: seconds, warmupS: 0 }),
  ]);
  return [
    { route: "GET /postings", window: label, result: postings },
    { route: "POST /login", window: label, result: logins },
    { route: noticeRoute, window: label, result: notices },
  ] satisfies RouteWindow[];
}

/** One fault on a fresh stack: a window of steady load before, then the same load while the fault lasts. */
export async function measureIsolation(
  stack: Stack,
  vegeta: string,
  fault: IsolationFault,
  seconds: number,
  log: (line: string) => void,
): Promise<IsolationRun> {
  const shape = stack.config.shape;
  const fixtures = await seedBoard(stack.describe().gatewayUrl, stack.config.admin, { users: 2, postings: 40, notices: 3 });
  const loadAverage = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).map(Number);
  const noticesProcess = shape === "monolith" ? "monolith" : "notices";
  const hostCpu = () => sampleTrees({ [noticesProcess]: stack.processes.get(noticesProcess)?.pid });
  const atStart = hostCpu();
  const before = await window(stack, vegeta, fixtures, seconds, "before");
  const assault = ASSAULTS[fault];
  if (assault) {
    // Set before the window starts, so the whole window runs under it; cleared after.
    log(`  fault: ${fault} (${JSON.stringify(assault)})`);
    const atFault = hostCpu();
    await setNoticesAssault(stack, assault);
    const during = await window(stack, vegeta, fixtures, seconds, "during fault");
    const atEnd = hostCpu();
    await setNoticesAssault(stack, { kind: "off" });
    const cpu = (from: typeof atStart, to: typeof atStart) => cpuSecondsBetween(from, to)[noticesProcess] ?? Number.NaN;
    const hostCpuSeconds = { process: noticesProcess, before: cpu(atStart, atFault), during: cpu(atFault, atEnd) };
    log(`    ${noticesProcess} CPU: ${hostCpuSeconds.before.toFixed(2)} s before, ${hostCpuSeconds.during.toFixed(2)} s during`);
    return reported({ shape, fault, windows: [...before, ...during], loadAverage, hostCpuSeconds }, log);
  }
  const target = stack.processes.get(fault === "notices killed" ? noticesProcess : "redis-notices");
  if (!target) throw new Error(`no process to fault for ${fault}`);
  log(`  fault: ${fault} (${target.name})`);
  const during = window(stack, vegeta, fixtures, seconds, "during fault");
  if (fault === "notices killed") target.kill("SIGKILL");
  else await target.stop();
  const windows = [...before, ...(await during)];
  if (fault === "notices' Redis gone") await target.start();
  return reported({ shape, fault, windows, loadAverage }, log);
}

function reported(run: IsolationRun, log: (line: string) => void): IsolationRun {
  for (const w of run.windows.filter((x) => x.window === "during fault")) {
    log(`    ${w.route}: ${w.result.ok}/${w.result.sent} ok, p99 ${w.result.p99Ms.toFixed(1)} ms`);
  }
  return run;
}
