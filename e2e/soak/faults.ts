import type { ProxyName, Toxic } from "../chaos/support/toxics.ts";
import { Prng } from "./prng.ts";

/** Every process of the stack a fault may hit (Toxiproxy itself is the test's tool, never a target). */
export const PROCESS_TARGETS = ["postgres", "redis-notices", "redis-events", "jaeger", "gateway", "users", "postings", "notices"] as const;
export type ProcessTarget = (typeof PROCESS_TARGETS)[number];

export const LINKS: readonly ProxyName[] = [
  "users-postgres",
  "users-redis-events",
  "postings-postgres",
  "postings-redis-events",
  "notices-redis-notices",
];

/** Route groups the load measures; a fault may make only the groups that depend on its part fail. */
export type RouteGroup = "users" | "postings" | "notices";

export type Fault =
  /** SIGKILL; the supervisor restarts it. The fault's duration is how long it is watched. */
  | { kind: "kill"; target: ProcessTarget }
  /** SIGSTOP for the duration, then SIGCONT: a process that hangs without dying. */
  | { kind: "pause"; target: ProcessTarget }
  | { kind: "toxic"; link: ProxyName; toxic: Toxic }
  /** The link disabled: open connections closed, new ones refused. */
  | { kind: "cut"; link: ProxyName };

export type PlannedFault = { index: number; atMs: number; durationMs: number; fault: Fault; label: string };

export type PlanOptions = {
  /** Faults start and end inside [firstAtMs, totalMs - quietTailMs]. */
  totalMs: number;
  firstAtMs?: number;
  quietTailMs?: number;
  durationMs?: [number, number];
  gapMs?: [number, number];
};

function pickToxic(prng: Prng): Toxic {
  return prng.weighted<Toxic>([
    [{ type: "latency", attributes: { latency: prng.int(100, 1_500), jitter: prng.int(0, 100) } }, 3],
    [{ type: "bandwidth", attributes: { rate: prng.int(1, 32) } }, 2],
    [{ type: "timeout", attributes: { timeout: 0 } }, 3],
    [{ type: "reset_peer", attributes: { timeout: prng.int(0, 500) } }, 3],
    [{ type: "limit_data", attributes: { bytes: prng.int(256, 65_536) } }, 1],
  ]);
}

function pickFault(prng: Prng): Fault {
  const kind = prng.weighted<Fault["kind"]>([
    ["kill", 3],
    ["pause", 3],
    ["toxic", 5],
    ["cut", 1],
  ]);
  switch (kind) {
    case "kill":
    case "pause":
      return { kind, target: prng.pick(PROCESS_TARGETS) };
    case "toxic":
      return { kind, link: prng.pick(LINKS), toxic: pickToxic(prng) };
    case "cut":
      return { kind, link: prng.pick(LINKS) };
  }
}

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case "kill":
      return `SIGKILL ${fault.target}`;
    case "pause":
      return `SIGSTOP ${fault.target}`;
    case "cut":
      return `link ${fault.link} cut`;
    case "toxic": {
      const attributes = Object.entries(fault.toxic.attributes)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      return `${fault.toxic.type}(${attributes}) on ${fault.link}`;
    }
  }
}

/**
 * The fault schedule of one soak: one fault at a time, each followed by a gap, so every error and
 * every recovery time belongs to exactly one fault. A pure function of the seed and the options.
 */
export function planFaults(seed: number, options: PlanOptions): PlannedFault[] {
  const { totalMs, firstAtMs = 5_000, quietTailMs = 30_000, durationMs = [2_000, 8_000], gapMs = [4_000, 12_000] } = options;
  const prng = new Prng(seed);
  const plan: PlannedFault[] = [];
  let at = firstAtMs;
  while (true) {
    const fault = pickFault(prng);
    const duration = prng.int(durationMs[0], durationMs[1]);
    if (at + duration > totalMs - quietTailMs) break;
    plan.push({ index: plan.length, atMs: at, durationMs: duration, fault, label: describeFault(fault) });
    at += duration + prng.int(gapMs[0], gapMs[1]);
  }
  return plan;
}

const storeGroups = (store: "postgres" | "redis-notices" | "redis-events"): RouteGroup[] =>
  store === "postgres" ? ["users", "postings"] : store === "redis-notices" ? ["notices"] : [];

/**
 * The route groups a fault may legitimately fail (with a 503/504 problem). Events Redis and Jaeger
 * are on no request's path: users' writes go to its outbox, traces are exported in the background.
 */
export function affectedGroups(fault: Fault): RouteGroup[] {
  const target = fault.kind === "kill" || fault.kind === "pause" ? fault.target : null;
  if (target === "gateway") return ["users", "postings", "notices"];
  if (target === "users" || target === "postings" || target === "notices") return [target];
  if (target === "postgres" || target === "redis-notices" || target === "redis-events") return storeGroups(target);
  if (target === "jaeger") return [];
  const link = (fault as { link: ProxyName }).link;
  const [service] = link.split("-") as [RouteGroup];
  return link.endsWith("redis-events") ? [] : [service];
}
