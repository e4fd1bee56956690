import type { StackDescription } from "@msa-board/stack";
import { request } from "./http.ts";
import type { StackControl } from "./injector.ts";
import type { Violation } from "./invariants.ts";
import type { Load } from "./load.ts";
import type { ExecutedFault } from "./report.ts";

/** Polls `check` until it finds nothing or the deadline passes; returns what it found last. */
export async function settle(check: () => Promise<Violation[]>, deadline: number): Promise<Violation[]> {
  let found = await check();
  while (found.length > 0 && Date.now() < deadline) {
    await Bun.sleep(1_000);
    found = await check();
  }
  return found;
}

/** Every acknowledged posting still there, read through the public door like any client would. */
export async function readBack(load: Load, gatewayUrl: string): Promise<Violation[]> {
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
export async function stackHealth(stack: StackDescription, control: StackControl): Promise<Violation[]> {
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

export type ProcessStatus = { processes: Array<{ name: string; restarts: number }>; instances: Record<string, string[]> };

/**
 * No crash: a process restarts only when the soak SIGKILLed it, or paused it (a stuck service may be
 * restarted by its liveness probe). A service that dies on a store fault is a bug, even though the
 * supervisor brings it back.
 */
export function checkRestarts(before: ProcessStatus, after: ProcessStatus, executed: ExecutedFault[], logDir: string): Violation[] {
  const serviceOf = (name: string) => Object.entries(after.instances).find(([, names]) => names.includes(name))?.[0] ?? name;
  const violations: Violation[] = [];
  for (const p of after.processes) {
    const was = before.processes.find((b) => b.name === p.name)?.restarts ?? 0;
    const target = serviceOf(p.name);
    const excused = executed.filter(
      (e) =>
        "target" in e.planned.fault &&
        e.planned.fault.target === target &&
        (e.planned.fault.kind === "kill" || ["users", "postings", "notices"].includes(target)),
    ).length;
    if (p.restarts - was > excused)
      violations.push({
        invariant: "no process crashes",
        detail: `${p.name} restarted ${p.restarts - was} times, the soak killed or paused it ${excused} times (log: ${logDir}/${p.name}.log)`,
      });
  }
  return violations;
}
