import { expect } from "bun:test";
import { stack } from "./stack.ts";

export type Span = {
  spanId: string;
  parentId: string | null;
  service: string;
  operation: string;
  tags: Record<string, unknown>;
};

type JaegerTrace = {
  spans: Array<{
    spanID: string;
    operationName: string;
    processID: string;
    references?: Array<{ refType: string; spanID: string }>;
    tags?: Array<{ key: string; value: unknown }>;
  }>;
  processes: Record<string, { serviceName: string }>;
};

async function fetchTrace(traceId: string): Promise<Span[]> {
  const res = await fetch(`${stack.jaegerUrl}/api/traces/${traceId}`);
  if (res.status !== 200) return [];
  const body = (await res.json()) as { data?: JaegerTrace[] };
  const trace = body.data?.[0];
  if (!trace) return [];
  return trace.spans.map((s) => ({
    spanId: s.spanID,
    parentId: s.references?.find((r) => r.refType === "CHILD_OF")?.spanID ?? null,
    service: trace.processes[s.processID]?.serviceName ?? "?",
    operation: s.operationName,
    tags: Object.fromEntries((s.tags ?? []).map((t) => [t.key, t.value])),
  }));
}

/** Waits until Jaeger has the trace with spans matching `ready` (exporters batch, so it takes a moment). */
export async function waitForTrace(traceId: string, ready: (spans: Span[]) => boolean, timeoutMs = 15_000): Promise<Span[]> {
  const deadline = Date.now() + timeoutMs;
  let spans: Span[] = [];
  while (Date.now() < deadline) {
    spans = await fetchTrace(traceId);
    if (spans.length > 0 && ready(spans)) return spans;
    await Bun.sleep(250);
  }
  throw new Error(`trace ${traceId} incomplete after ${timeoutMs} ms: ${JSON.stringify(spans.map((s) => `${s.service}:${s.operation}`))}`);
}

/**
 * The shape every request must have: one root (the gateway's), every other span's parent in the
 * same trace, the service span under the gateway span, store spans under the service span.
 */
export function expectRequestTraceShape(spans: Span[], service: string, storeSystem: "postgresql" | "redis"): void {
  const ids = new Set(spans.map((s) => s.spanId));
  const roots = spans.filter((s) => s.parentId === null || !ids.has(s.parentId));
  expect(roots.length).toBe(1);
  const root = roots[0] as Span;
  expect(root.service).toBe("gateway");
  for (const span of spans) if (span !== root) expect(ids.has(span.parentId as string)).toBe(true);

  const server = spans.find((s) => s.service === service && s.parentId === root.spanId);
  expect(server).toBeDefined();
  const stores = spans.filter((s) => s.tags["db.system"] === storeSystem);
  expect(stores.length).toBeGreaterThan(0);
  const serviceSpanIds = new Set(spans.filter((s) => s.service === service).map((s) => s.spanId));
  for (const store of stores) {
    expect(store.service).toBe(service);
    expect(serviceSpanIds.has(store.parentId as string)).toBe(true);
  }
}
