import { describe, expect, test } from "bun:test";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Hono } from "hono";
import { traceRequests } from "./http.ts";
import { asModuleCall } from "./module-call.ts";
import { installTraceContext } from "./provider.ts";

installTraceContext();
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("t");

const app = new Hono();
app.use(traceRequests({ serviceName: "t", tracer, untracedPaths: ["/healthz"] }));
app.get("/items/:id", (c) => {
  tracer.startSpan("inner").end();
  return c.text(c.req.param("id"));
});
app.get("/broken", (c) => c.text("down", 503));
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

  test("the server span continues the caller's traceparent and carries the HTTP attributes, nothing more", async () => {
    exporter.reset();
    const traceparent = `00-${"c".repeat(32)}-${"d".repeat(16)}-01`;
    expect((await app.request("http://svc.test/items/42?x=1", { headers: { traceparent } })).status).toBe(200);
    const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(server?.spanContext().traceId).toBe("c".repeat(32));
    expect(server?.parentSpanContext?.spanId).toBe("d".repeat(16));
    expect(server?.attributes).toEqual({
      "http.request.method": "GET",
      "url.full": "http://svc.test/items/42?x=1",
      "http.route": "/items/:id",
      "http.response.status_code": 200,
    });
    expect(server?.status.code).toBe(SpanStatusCode.UNSET);
    const inner = exporter.getFinishedSpans().find((s) => s.name === "inner");
    expect(inner?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
  });

  test("a 5xx answer marks the server span as an error", async () => {
    exporter.reset();
    expect((await app.request("/broken")).status).toBe(503);
    const server = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(server?.name).toBe("GET /broken");
    expect(server?.status.code).toBe(SpanStatusCode.ERROR);
    expect(server?.attributes["http.response.status_code"]).toBe(503);
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
