import type { StackDescription } from "@msa-board/stack";
import { database } from "../chaos/support/databases.ts";
import { affectedGroups, planFaults } from "./faults.ts";
import { checkRestarts, type ProcessStatus, readBack, settle, stackHealth } from "./final-checks.ts";
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

  // A clean start: no toxic or cut link left over from an earlier suite or an interrupted soak.
  await control.proxy.reset();
  const before = (await control.call("GET", "/status")) as ProcessStatus;
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
    violations.push(...checkRestarts(before, (await control.call("GET", "/status")) as ProcessStatus, executed, stack.logDir));
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
