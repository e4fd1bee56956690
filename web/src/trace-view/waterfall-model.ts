import { buildSpanTree, type JaegerTrace, type SpanView, traceShapeProblems, walkSpanTree } from "@msa-board/observability";
import { spanHighlights } from "@msa-board/observability/span-highlights";

/** What a span did, for its colour and its label in the browser. */
export type SpanKind = "http" | "sql" | "redis" | "event" | "internal";

export type WaterfallRow = {
  spanId: string;
  parentId: string | null;
  /** 0 for the root; a child is one deeper than its parent. */
  depth: number;
  service: string;
  operation: string;
  kind: SpanKind;
  /** Offset from the trace's start, and length, in ms. */
  startMs: number;
  durationMs: number;
  /** HTTP status, SQL statement (no values), Redis command, event stream, error. */
  details: string[];
  error: boolean;
  /** Its parent is not (yet) in Jaeger. */
  orphan: boolean;
};

/** A trace as the trace page draws it: the JSON `GET /traces/{id}` answers. */
export type TraceView = {
  traceId: string;
  startedAt: string;
  durationMs: number;
  services: string[];
  rows: WaterfallRow[];
  /** Shape problems (several roots, missing parents): spans may still be arriving. */
  problems: string[];
  /** This trace in Jaeger's own UI, where one is reachable. */
  jaegerUiUrl: string | null;
};

function kindOf(span: SpanView): SpanKind {
  const a = span.attributes;
  const system = a["db.system"] ?? a["db.system.name"];
  if (system === "redis") return "redis";
  if (system !== undefined) return "sql";
  if (a["messaging.destination.name"] !== undefined || a["messaging.system"] !== undefined) return "event";
  if (a["http.request.method"] !== undefined || a["http.method"] !== undefined || a["http.response.status_code"] !== undefined)
    return "http";
  return "internal";
}

const ms = (us: number) => Math.round(us) / 1_000;

export function toTraceView(trace: JaegerTrace, jaegerUiUrl: string | undefined): TraceView {
  const tree = buildSpanTree(trace);
  const orphans = new Set(tree.orphans.map((s) => s.spanId));
  const rows = [...walkSpanTree(tree)].map(
    ({ span, depth }): WaterfallRow => ({
      spanId: span.spanId,
      parentId: span.parentId,
      depth,
      service: span.service,
      operation: span.operation,
      kind: kindOf(span),
      startMs: ms(span.startUs - tree.startUs),
      durationMs: ms(span.durationUs),
      details: spanHighlights(span).map((h) => h.text),
      error: span.error,
      orphan: orphans.has(span.spanId),
    }),
  );
  return {
    traceId: tree.traceId,
    startedAt: new Date(tree.startUs / 1_000).toISOString(),
    durationMs: ms(tree.endUs - tree.startUs),
    services: tree.services,
    rows,
    problems: traceShapeProblems(tree),
    jaegerUiUrl: jaegerUiUrl ? `${jaegerUiUrl.replace(/\/+$/, "")}/trace/${tree.traceId}` : null,
  };
}
