import type { Stack } from "@msa-board/stack";
import type { Shape } from "@msa-board/stack/shapes";
import { vegetaRate } from "../load/vegeta.ts";
import type { LoadResult } from "../load-generator.ts";
import { seedBoard } from "./board-mix.ts";

/**
 * Failure isolation: the same fault in notices under steady load, and what the *other* routes see.
 * Faults use the stack's own process control (the chaos suite's), nothing inside the code:
 * - `notices killed`: SIGKILL the process that runs notices (microservices: notices; monolith: the
 *   monolith, which is notices' process), the supervisor restarts it;
 * - `notices' Redis gone`: its store stopped for the window, then started again.
 */

export type IsolationFault = "notices killed" | "notices' Redis gone";
export const FAULTS: IsolationFault[] = ["notices killed", "notices' Redis gone"];

export type RouteWindow = { route: string; window: "before" | "during fault" | "during roll"; result: LoadResult };
export type IsolationRun = { shape: Shape; fault: IsolationFault; windows: RouteWindow[] };

const POSTINGS_RATE = 40;
const LOGIN_RATE = 2;
const NOTICE_RATE = 10;

/** Steady load on three routes for `seconds`: GET /postings 40/s, POST /login 2/s, GET /notice 10/s. */
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
  const before = await window(stack, vegeta, fixtures, seconds, "before");
  const noticesProcess = shape === "monolith" ? "monolith" : "notices";
  const target = stack.processes.get(fault === "notices killed" ? noticesProcess : "redis-notices");
  if (!target) throw new Error(`no process to fault for ${fault}`);
  log(`  fault: ${fault} (${target.name})`);
  const during = window(stack, vegeta, fixtures, seconds, "during fault");
  if (fault === "notices killed") target.kill("SIGKILL");
  else await target.stop();
  const windows = [...before, ...(await during)];
  if (fault === "notices' Redis gone") await target.start();
  for (const w of windows.filter((x) => x.window === "during fault")) {
    log(`    ${w.route}: ${w.result.ok}/${w.result.sent} ok, p99 ${w.result.p99Ms.toFixed(1)} ms`);
  }
  return { shape, fault, windows };
}
