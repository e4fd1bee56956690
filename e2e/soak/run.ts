import type { StackDescription } from "../../stack/src/stack.ts";
import { database } from "../chaos/support/databases.ts";
import { affectedGroups, planFaults } from "./faults.ts";
import { request } from "./http.ts";
import { inject, type StackControl } from "./injector.ts";
import { checkEvents, checkPostings, checkResponses, checkUsers, type FaultWindow, type Violation } from "./invariants.ts";
import { Load } from "./load.ts";
import { type ExecutedFault, faultOutcomes, type SoakReport } from "./report.ts";
import { takeSnapshot } from "./snapshot.ts";

export type SoakOptions = {
  stack: StackDescription;
  control: StackControl;
  minutes: number;
  seed: number;
  log: (line: string) => void;
  /** After the last fault: how long the system gets to apply every event and heal (the contract's 5 s, with room). */
  recoveryBoundMs?: number;
};

const sleepUntil = (at: number) => Bun.sleep(Math.max(0, at - Date.now()));

/** Polls `check` until it finds nothing or the deadline passes; returns what it found last. */
async function settle(check: () => Promise<Violation[]>, deadline: number): Promise<Violation[]> {
  let found = await check();
  while (found.length > 0 && Date.now() < deadline) {
    await Bun.sleep(1_000);
    found = await check();
  }
  return found;
}

/** Every acknowledged posting still there, read through the public door like any client would. */
async function readBack(load: Load, gatewayUrl: string): Promise<Violation[]> {
  const violations: Violation[] = [];
  const queue = load.ledger.livePostings();
  const worker = async () => {
    for (let p = queue.pop(); p; p = queue.pop()) {
      const reply = await request([], gatewayUrl, "GET /postings/{id}", "postings", "GET", `/postings/${p.id}`);
      if (reply.status !== 200 || reply.body?.title !== p.title)
        violations.push({ invariant: "acknowledged posting readable", detail: `GET /postings/${p.id} → ${reply.status}` });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return violations;
}

/** Each service instance ready and live, and the supervisor running every process. */
async function stackHealth(stack: StackDescription, control: StackControl): Promise<Violation[]> {
  const violations: Violation[] = [];
  const status = (await control.call("GET", "/status")) as StackDescription;
  for (const p of status.processes)
    if (p.state !== "running") violations.push({ invariant: "nothing left stuck", detail: `${p.name} is ${p.state}` });
  for (const [service, urls] of Object.entries(status.services ?? stack.services)) {
    for (const url of urls) {
      for (const path of ["/healthz", "/livez"]) {
        const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(3_000) }).catch(() => null);
        await res?.arrayBuffer();
        if (res?.status !== 200)
          violations.push({ invariant: "nothing left stuck", detail: `${service} ${url}${path} → ${res?.status ?? "no answer"}` });
      }
    }
  }
  return violations;
}

/**
 * One soak: the planned faults one after another under steady load, then the quiet tail, then the
 * invariants, each given `recoveryBoundMs` to hold.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const { stack, control, minutes, seed, log } = options;
  const recoveryBoundMs = options.recoveryBoundMs ?? 30_000;
  const totalMs = Math.round(minutes * 60_000);
  const plan = planFaults(seed, { totalMs, quietTailMs: recoveryBoundMs });
  log(`soak: seed ${seed}, ${minutes} min, ${plan.length} faults planned`);

  const load = new Load({ gatewayUrl: stack.gatewayUrl, seed });
  const startedAt = Date.now();
  load.start();
  const executed: ExecutedFault[] = [];
  for (const planned of plan) {
    await sleepUntil(startedAt + planned.atMs);
    const faultStart = Date.now();
    let error: string | undefined;
    let undo = async () => {};
    try {
      undo = await inject(planned.fault, control);
    } catch (err) {
      error = (err as Error).message;
    }
    log(
      `  ${((faultStart - startedAt) / 1000).toFixed(1).padStart(6)}s  #${planned.index} ${planned.label} for ${planned.durationMs / 1000}s`,
    );
    await sleepUntil(faultStart + planned.durationMs);
    try {
      await undo();
    } catch (err) {
      error = `${error ? `${error}; ` : ""}undo: ${(err as Error).message}`;
    }
    if (error) log(`          ✗ ${error}`);
    executed.push({ planned, startedAt: faultStart, endedAt: Date.now(), ...(error ? { error } : {}) });
  }
  await sleepUntil(startedAt + totalMs);
  await load.stop();
  const endedAt = Date.now();
  log(`soak: load stopped after ${((endedAt - startedAt) / 1000).toFixed(0)}s, ${load.samples.length} requests; checking invariants`);

  const windows: FaultWindow[] = executed.map((e) => ({
    label: e.planned.label,
    startedAt: e.startedAt,
    endedAt: e.endedAt,
    groups: affectedGroups(e.planned.fault),
    noAnswerAllowed: "target" in e.planned.fault && e.planned.fault.target === "gateway",
  }));
  const violations: Violation[] = [
    ...load.violations,
    ...checkResponses(load.samples, windows, recoveryBoundMs),
    ...executed.filter((e) => e.error).map((e) => ({ invariant: "faults injected", detail: `#${e.planned.index}: ${e.error}` })),
  ];

  const usersDb = database("users", stack.databaseUrl);
  const postingsDb = database("postings", stack.databaseUrl);
  try {
    const ids = [...load.ledger.users.keys()];
    const deadline = Date.now() + recoveryBoundMs;
    violations.push(
      ...(await settle(async () => {
        const snap = await takeSnapshot(usersDb, postingsDb, ids);
        return [
          ...checkUsers(load.ledger, snap.users),
          ...checkPostings(load.ledger, snap.users, snap.postings),
          ...checkEvents(snap.events),
        ];
      }, deadline)),
    );
    violations.push(...(await settle(() => stackHealth(stack, control), deadline)));
    violations.push(...(await settle(() => readBack(load, stack.gatewayUrl), deadline)));
  } finally {
    await usersDb.end({ timeout: 5 });
    await postingsDb.end({ timeout: 5 });
  }

  return {
    seed,
    minutes,
    startedAt: new Date(startedAt).toISOString(),
    requests: load.samples.length,
    acknowledged: { users: load.ledger.users.size, postings: load.ledger.postings.size },
    faults: faultOutcomes(load.samples, executed, startedAt, endedAt),
    violations,
    passed: violations.length === 0,
  };
}
