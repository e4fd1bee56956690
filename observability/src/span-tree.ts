import type { JaegerTrace } from "./jaeger-api.ts";
import { type SpanView, toSpanView } from "./span-view.ts";

export type SpanTree = {
  traceId: string;
  /** Every span, earliest first. */
  spans: SpanView[];
  /** Spans without a parent. A whole trace has exactly one. */
  roots: SpanView[];
  /** Spans whose parent is not in the trace (lost, or not exported yet). */
  orphans: SpanView[];
  /** Children of each span id, earliest first. */
  children: ReadonlyMap<string, SpanView[]>;
  byId: ReadonlyMap<string, SpanView>;
  /** Distinct service names, sorted. */
  services: string[];
  startUs: number;
  endUs: number;
};

const byStart = (a: SpanView, b: SpanView) => a.startUs - b.startUs || a.spanId.localeCompare(b.spanId);

export function buildSpanTree(trace: JaegerTrace): SpanTree {
  const spans = trace.spans.map((span) => toSpanView(trace, span)).sort(byStart);
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const children = new Map<string, SpanView[]>();
  const roots: SpanView[] = [];
  const orphans: SpanView[] = [];
  for (const span of spans) {
    if (span.parentId === null) roots.push(span);
    else if (!byId.has(span.parentId)) orphans.push(span);
    else children.set(span.parentId, [...(children.get(span.parentId) ?? []), span]);
  }
  const startUs = spans.length ? Math.min(...spans.map((s) => s.startUs)) : 0;
  const endUs = spans.length ? Math.max(...spans.map((s) => s.startUs + s.durationUs)) : 0;
  return {
    traceId: trace.traceID,
    spans,
    roots,
    orphans,
    children,
    byId,
    services: [...new Set(spans.map((s) => s.service))].sort(),
    startUs,
    endUs,
  };
}

export type WalkedSpan = {
  span: SpanView;
  depth: number;
  /** Last among its siblings; with `ancestorsLast` this is what draws tree guides (├─ └─ │). */
  isLast: boolean;
  ancestorsLast: boolean[];
};

/** Depth-first from the roots (then the orphans), children in start order: a waterfall's order. */
export function* walkSpanTree(tree: SpanTree): Generator<WalkedSpan> {
  yield* walk(tree, [...tree.roots, ...tree.orphans], []);
}

function* walk(tree: SpanTree, siblings: SpanView[], ancestorsLast: boolean[]): Generator<WalkedSpan> {
  for (const [index, span] of siblings.entries()) {
    const isLast = index === siblings.length - 1;
    yield { span, depth: ancestorsLast.length, isLast, ancestorsLast };
    yield* walk(tree, tree.children.get(span.spanId) ?? [], [...ancestorsLast, isLast]);
  }
}
