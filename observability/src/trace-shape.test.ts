import { describe, expect, test } from "bun:test";
import { buildSpanTree } from "./span-tree.ts";
import { fixtureTrace } from "./test-support/fixture-trace.ts";
import { assertTraceShape, childrenOf, rootSpan, TraceShapeError, traceShapeProblems } from "./trace-shape.ts";

describe("trace shape checks", () => {
  test("a whole trace passes and meets its expectations", () => {
    const tree = assertTraceShape(fixtureTrace(), { rootService: "gateway", services: ["gateway", "postings"], minSpans: 5 });
    const root = rootSpan(tree);
    expect(root.service).toBe("gateway");
    expect(childrenOf(tree, root).map((s) => s.service)).toEqual(["postings"]);
  });

  test("names every problem: two roots, a missing parent, unmet expectations", () => {
    const trace = fixtureTrace();
    trace.spans = trace.spans.filter((s) => s.spanID !== "0000000000000002");
    const extraRoot = trace.spans.find((s) => s.spanID === "0000000000000005");
    if (!extraRoot) throw new Error("fixture changed");
    extraRoot.references = [];
    const problems = traceShapeProblems(buildSpanTree(trace), { rootService: "users", services: ["notices"], minSpans: 9 });
    expect(problems).toEqual([
      expect.stringContaining("expected exactly one root span, found 2"),
      expect.stringMatching(/postings "pg.query:INSERT postings" .* has parent 0000000000000002, which is not in the trace/),
      expect.stringMatching(/postings "redis XADD" .* has parent 0000000000000002/),
      expect.stringMatching(/^root span is gateway .* expected service users$/),
      "no span of service notices (services: gateway, postings)",
      "expected at least 9 spans, found 4",
    ]);
  });

  test("spans caught in a parent cycle are reported, not silently dropped", () => {
    const trace = fixtureTrace();
    const [a, b] = ["0000000000000003", "0000000000000004"].map((id) => trace.spans.find((s) => s.spanID === id));
    if (!a || !b) throw new Error("fixture changed");
    a.references = [{ refType: "CHILD_OF", traceID: a.traceID, spanID: b.spanID }];
    b.references = [{ refType: "CHILD_OF", traceID: b.traceID, spanID: a.spanID }];
    expect(traceShapeProblems(buildSpanTree(trace))).toEqual([expect.stringContaining("parent cycle")]);
  });

  test("assertTraceShape throws a TraceShapeError listing the spans", () => {
    const trace = fixtureTrace();
    trace.spans = [];
    expect(() => assertTraceShape(trace)).toThrow(TraceShapeError);
    expect(() => assertTraceShape(trace)).toThrow(/has no spans/);
  });
});
