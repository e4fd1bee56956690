import type { JaegerTrace } from "./jaeger-api.ts";
import { buildSpanTree, type SpanTree, walkSpanTree } from "./span-tree.ts";
import type { SpanView } from "./span-view.ts";

export type TraceShapeExpectations = {
  /** The service the single root span must belong to (e.g. `gateway`). */
  rootService?: string;
  /** Services that must each own at least one span. */
  services?: string[];
  minSpans?: number;
};

const describe = (span: SpanView) => `${span.service} "${span.operation}" (${span.spanId})`;

/**
 * Everything wrong with a trace's shape, as sentences; empty when it is whole: exactly one root,
 * every other span's parent present, no span cut off from the root, plus the expectations given.
 */
export function traceShapeProblems(tree: SpanTree, expected: TraceShapeExpectations = {}): string[] {
  const problems: string[] = [];
  if (tree.spans.length === 0) return ["the trace has no spans"];
  if (tree.roots.length !== 1) {
    problems.push(
      `expected exactly one root span, found ${tree.roots.length}${tree.roots.length ? `: ${tree.roots.map(describe).join(", ")}` : ""}`,
    );
  }
  for (const orphan of tree.orphans) problems.push(`${describe(orphan)} has parent ${orphan.parentId}, which is not in the trace`);
  const reached = new Set([...walkSpanTree(tree)].map(({ span }) => span.spanId));
  const cut = tree.spans.filter((span) => !reached.has(span.spanId));
  if (cut.length) problems.push(`spans in a parent cycle, unreachable from any root: ${cut.map(describe).join(", ")}`);

  const root = tree.roots[0];
  if (expected.rootService !== undefined && root && root.service !== expected.rootService) {
    problems.push(`root span is ${describe(root)}, expected service ${expected.rootService}`);
  }
  for (const service of expected.services ?? []) {
    if (!tree.services.includes(service)) problems.push(`no span of service ${service} (services: ${tree.services.join(", ")})`);
  }
  if (expected.minSpans !== undefined && tree.spans.length < expected.minSpans) {
    problems.push(`expected at least ${expected.minSpans} spans, found ${tree.spans.length}`);
  }
  return problems;
}

export class TraceShapeError extends Error {
  override name = "TraceShapeError";
  constructor(
    readonly traceId: string,
    readonly problems: string[],
    spans: SpanView[],
  ) {
    super(
      `trace ${traceId} is malformed:\n  - ${problems.join("\n  - ")}\nspans:\n${spans.map((s) => `  ${describe(s)} parent=${s.parentId}`).join("\n")}`,
    );
  }
}

/** Throws a TraceShapeError naming every problem (and listing the spans) unless the trace is whole. */
export function assertTraceShape(trace: JaegerTrace | SpanTree, expected: TraceShapeExpectations = {}): SpanTree {
  const tree = "processes" in trace ? buildSpanTree(trace) : trace;
  const problems = traceShapeProblems(tree, expected);
  if (problems.length) throw new TraceShapeError(tree.traceId, problems, tree.spans);
  return tree;
}

/** The single root of a whole trace (call after assertTraceShape). */
export function rootSpan(tree: SpanTree): SpanView {
  const [root] = tree.roots;
  if (!root || tree.roots.length !== 1)
    throw new TraceShapeError(tree.traceId, [`expected exactly one root span, found ${tree.roots.length}`], tree.spans);
  return root;
}

/** The spans directly under `span`. */
export function childrenOf(tree: SpanTree, span: SpanView): SpanView[] {
  return tree.children.get(span.spanId) ?? [];
}
