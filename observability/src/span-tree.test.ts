import { describe, expect, test } from "bun:test";
import { buildSpanTree, walkSpanTree } from "./span-tree.ts";
import { FIXTURE_START_US, FIXTURE_TRACE_ID, fixtureTrace } from "./test-support/fixture-trace.ts";

describe("buildSpanTree", () => {
  const tree = buildSpanTree(fixtureTrace());

  test("finds the single root and hangs every span under its parent, earliest first", () => {
    expect(tree.traceId).toBe(FIXTURE_TRACE_ID);
    expect(tree.roots.map((s) => s.operation)).toEqual(["ingress POST /postings"]);
    expect(tree.orphans).toEqual([]);
    expect(tree.children.get("0000000000000001")?.map((s) => s.operation)).toEqual(["POST /postings"]);
    expect(tree.children.get("0000000000000002")?.map((s) => s.operation)).toEqual([
      "pg.query:INSERT postings",
      "redis XADD",
      "publish user.updated",
    ]);
  });

  test("resolves services from the process table and flattens attributes", () => {
    expect(tree.services).toEqual(["gateway", "postings"]);
    const redis = tree.byId.get("0000000000000004");
    expect(redis?.service).toBe("postings");
    expect(redis?.attributes).toEqual({ "db.system": "redis", "db.operation": "XADD" });
  });

  test("spans the whole trace in time and marks failures with their reason", () => {
    expect(tree.startUs).toBe(FIXTURE_START_US);
    expect(tree.endUs - tree.startUs).toBe(10_000);
    const failed = tree.spans.filter((s) => s.error);
    expect(failed.map((s) => [s.operation, s.errorMessage])).toEqual([["publish user.updated", "connection refused"]]);
  });

  test("walks depth-first with the flags that draw tree guides", () => {
    const walked = [...walkSpanTree(tree)].map(({ span, depth, isLast }) => `${depth}${isLast ? "L" : "-"} ${span.operation}`);
    expect(walked).toEqual([
      "0L ingress POST /postings",
      "1L POST /postings",
      "2- pg.query:INSERT postings",
      "2- redis XADD",
      "2L publish user.updated",
    ]);
  });

  test("a span whose parent never arrived is an orphan, not a root", () => {
    const trace = fixtureTrace();
    trace.spans = trace.spans.filter((s) => s.spanID !== "0000000000000002");
    const partial = buildSpanTree(trace);
    expect(partial.roots).toHaveLength(1);
    expect(partial.orphans.map((s) => s.operation)).toEqual(["pg.query:INSERT postings", "redis XADD", "publish user.updated"]);
  });

  test("a link into another trace is not a parent; FOLLOWS_FROM in the same trace is", () => {
    const trace = fixtureTrace();
    const consumer = trace.spans.find((s) => s.spanID === "0000000000000004");
    if (!consumer) throw new Error("fixture changed");
    consumer.references = [
      { refType: "FOLLOWS_FROM", traceID: "ffffffffffffffffffffffffffffffff", spanID: "00000000000000aa" },
      { refType: "FOLLOWS_FROM", traceID: FIXTURE_TRACE_ID, spanID: "0000000000000001" },
    ];
    expect(buildSpanTree(trace).byId.get("0000000000000004")?.parentId).toBe("0000000000000001");
  });
});
