import { describe, expect, test } from "bun:test";
import { context, SpanKind, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Hono } from "hono";
import { traceRequests } from "./http.ts";
import { asModuleCall } from "./module-call.ts";

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("t");

const app = new Hono();
app.use(traceRequests({ serviceName: "t", tracer, untracedPaths: ["/healthz"] }));
app.get("/items/:id", (c) => {
  tracer.startSpan("inner").end();
  return c.text(c.req.param("id"));
});
app.get("/healthz", (c) => {
  // A store query made while answering: suppressed too.
  tracer.startSpan("SELECT 1").end();
  return c.text(trace.getActiveSpan() ? "span" : "none");
});

describe("traceRequests", () => {
  test("a server span per request, named by the route template", async () => {
    exporter.reset();
    expect((await app.request("/items/42")).status).toBe(200);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toContain("GET /items/:id");
  });

  test("untraced paths make no spans at all", async () => {
    exporter.reset();
    const res = await app.request("/healthz");
    expect(await res.text()).toBe("none");
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  test("called in-process by a host (monolith shape): an internal span named after the module, under the host's span", async () => {
    exporter.reset();
    const res = await tracer.startActiveSpan("host GET /items/:id", (host) =>
      asModuleCall("t", async () => {
        const answered = await app.request("/items/7", { headers: { traceparent: `00-${"a".repeat(32)}-${"b".repeat(16)}-01` } });
        host.end();
        return answered;
      }),
    );
    expect(res.status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const host = spans.find((s) => s.name === "host GET /items/:id");
    const module = spans.find((s) => s.name === "t GET /items/:id");
    expect(module?.kind).toBe(SpanKind.INTERNAL);
    expect(module?.attributes["msa.module"]).toBe("t");
    // The host's span is the parent, not the traceparent header (the host already continued that).
    expect(module?.parentSpanContext?.spanId).toBe(host?.spanContext().spanId);
    expect(spans.find((s) => s.name === "inner")?.parentSpanContext?.spanId).toBe(module?.spanContext().spanId);
  });
});
