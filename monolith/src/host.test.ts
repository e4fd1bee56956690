import { describe, expect, test } from "bun:test";
import { createLogger } from "@msa-board/service-kit/logger";
import { InMemorySpanExporter } from "@msa-board/service-kit/test-support";
import { traceRequests } from "@msa-board/service-kit/tracing";
import { context, propagation, SpanKind } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { type Context, Hono } from "hono";
import type { ModuleName } from "./config.ts";
import { createHost } from "./host.ts";
import type { HostedModule } from "./hosted-module.ts";

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer("test");
const logger = createLogger({ service: "monolith", level: "error", write: () => {} });

/** A module app like the real ones (own tracing middleware, own routes), answering who it is. */
function module(name: ModuleName, ready = { ok: true, live: true }): HostedModule {
  const app = new Hono();
  app.use(traceRequests({ serviceName: name, tracer, untracedPaths: ["/healthz"] }));
  app.get("/healthz", (c) => c.json({ status: ready.ok ? "ok" : "down" }, ready.ok ? 200 : 503));
  app.get("/livez", (c) => c.json({ status: ready.live ? "ok" : "stuck" }, ready.live ? 200 : 503));
  const answer = (c: Context) => c.json({ module: name, path: c.req.path });
  app.on(["GET", "POST", "PATCH", "DELETE"], ["/login", "/.well-known/jwks.json", "/postings/:id", "/notice/:id"], answer);
  return { name, fetch: app.fetch, closers: [] };
}

const noticesReady = { ok: true, live: true };
const host = createHost({ modules: [module("users"), module("postings"), module("notices", noticesReady)], logger, tracer });

describe("the monolith's host", () => {
  test("routes each public route to the module the gateway's route table names", async () => {
    for (const [method, path, owner] of [
      ["POST", "/login", "users"],
      ["GET", "/.well-known/jwks.json", "users"],
      ["DELETE", "/postings/abc", "postings"],
      ["PATCH", "/notice/xyz", "notices"],
    ] as const) {
      const res = await host.request(path, { method });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ module: owner, path });
    }
  });

  test("anything not in the public route table is a 404 problem, never a module's internals", async () => {
    for (const path of ["/metrics", "/openapi.json", "/postings/a/b"]) {
      const res = await host.request(path);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toStartWith("application/problem+json");
    }
  });

  test("one server span (service monolith, named by the route) with an internal span per module call", async () => {
    exporter.reset();
    await host.request("/postings/42", { headers: { traceparent: `00-${"c".repeat(32)}-${"d".repeat(16)}-01` } });
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    const call = spans.find((s) => s.kind === SpanKind.INTERNAL);
    expect(server?.name).toBe("GET /postings/:id");
    expect(server?.spanContext().traceId).toBe("c".repeat(32));
    expect(call?.name).toBe("postings GET /postings/:id");
    expect(call?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
  });

  test("ready only while every module is: one process, one readiness", async () => {
    const ok = await host.request("/healthz");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "ok", modules: { users: { ready: true }, notices: { ready: true } } });
    noticesReady.ok = false;
    try {
      const down = await host.request("/healthz");
      expect(down.status).toBe(503);
      expect(down.headers.get("content-type")).toStartWith("application/problem+json");
      expect(await down.json()).toMatchObject({ status: 503, detail: "Not ready: notices.", modules: { notices: { ready: false } } });
    } finally {
      noticesReady.ok = true;
    }
    // A store outage is not stuck: still live.
    expect((await host.request("/livez")).status).toBe(200);
  });

  test("live unless a module says a part of it is stuck", async () => {
    expect((await host.request("/livez")).status).toBe(200);
    noticesReady.live = false;
    try {
      const stuck = await host.request("/livez");
      expect(stuck.status).toBe(503);
      expect(await stuck.json()).toMatchObject({ status: 503, detail: "Stuck: notices." });
    } finally {
      noticesReady.live = true;
    }
  });
});
