import { describe, expect, test } from "bun:test";
import { affectedGroups, PROCESS_TARGETS, planFaults } from "./faults.ts";

const options = { totalMs: 30 * 60_000 };

describe("planFaults", () => {
  test("a fixed seed gives the same schedule; another seed another one", () => {
    expect(planFaults(42, options)).toEqual(planFaults(42, options));
    expect(planFaults(42, options)).not.toEqual(planFaults(43, options));
  });

  test("one fault at a time, inside the run, with the quiet tail left free", () => {
    const plan = planFaults(7, { totalMs: 120_000, quietTailMs: 30_000 });
    expect(plan.length).toBeGreaterThan(3);
    for (const [i, fault] of plan.entries()) {
      expect(fault.durationMs).toBeGreaterThanOrEqual(2_000);
      expect(fault.durationMs).toBeLessThanOrEqual(8_000);
      expect(fault.atMs + fault.durationMs).toBeLessThanOrEqual(90_000);
      const next = plan[i + 1];
      if (next) expect(next.atMs).toBeGreaterThanOrEqual(fault.atMs + fault.durationMs + 4_000);
    }
  });

  test("a long soak reaches every kind, every process and every toxic", () => {
    const plan = planFaults(1, options);
    const kinds = new Set(plan.map((p) => p.fault.kind));
    expect([...kinds].sort()).toEqual(["cut", "kill", "pause", "toxic"]);
    const targets = new Set(plan.flatMap((p) => ("target" in p.fault ? [p.fault.target] : [])));
    expect([...targets].sort()).toEqual([...PROCESS_TARGETS].sort());
    const toxics = new Set(plan.flatMap((p) => (p.fault.kind === "toxic" ? [p.fault.toxic.type] : [])));
    expect([...toxics].sort()).toEqual(["bandwidth", "latency", "limit_data", "reset_peer", "timeout"]);
  });
});

describe("affectedGroups", () => {
  test("a store takes down only the services that use it", () => {
    expect(affectedGroups({ kind: "kill", target: "postgres" })).toEqual(["users", "postings"]);
    expect(affectedGroups({ kind: "pause", target: "redis-notices" })).toEqual(["notices"]);
    expect(affectedGroups({ kind: "kill", target: "redis-events" })).toEqual([]);
  });
  test("a link hits its own service; the events links and Jaeger hit no request", () => {
    expect(affectedGroups({ kind: "cut", link: "postings-postgres" })).toEqual(["postings"]);
    expect(affectedGroups({ kind: "toxic", link: "users-redis-events", toxic: { type: "timeout", attributes: { timeout: 0 } } })).toEqual(
      [],
    );
    expect(affectedGroups({ kind: "pause", target: "jaeger" })).toEqual([]);
    expect(affectedGroups({ kind: "kill", target: "gateway" })).toEqual(["users", "postings", "notices"]);
  });
});
