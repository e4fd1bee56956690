import { describe, expect, test } from "bun:test";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Hono } from "hono";
import { traceRequests } from "./http.ts";

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
});
