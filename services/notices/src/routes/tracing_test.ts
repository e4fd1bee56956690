import assert from "node:assert/strict";
import { SpanKind } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createNotice, startHarness } from "../test_support/harness.ts";

const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const gatewaySpanId = "00f067aa0ba902b7";
const traceparent = `00-${traceId}-${gatewaySpanId}-01`;

const serverSpans = (spans: ReadableSpan[]) => spans.filter((s) => s.kind === SpanKind.SERVER);
const redisSpans = (spans: ReadableSpan[]) => spans.filter((s) => s.attributes["db.system"] === "redis");

Deno.test("a request continues the caller's traceparent; each Redis command is a child span", async (t) => {
  await using h = await startHarness();
  const notice = await createNotice(h, "Secret title", "Secret body");
  const token = await h.adminToken();
  const cases: [string, string, string, Parameters<typeof h.request>[2], string[]][] = [
    ["GET", "/notice", "GET /notice", {}, ["EVALSHA"]],
    ["GET", `/notice/${notice.id}`, "GET /notice/:id", {}, ["HGETALL"]],
    ["POST", "/notice", "POST /notice", { token, json: { title: "Secret 2", body: "Secret 3" } }, ["EVALSHA"]],
    ["PATCH", `/notice/${notice.id}`, "PATCH /notice/:id", { token, json: { body: "Secret 4" } }, ["EVALSHA"]],
    ["DELETE", `/notice/${notice.id}`, "DELETE /notice/:id", { token }, ["EVALSHA"]],
  ];
  for (const [method, path, spanName, init, commands] of cases) {
    await t.step(spanName, async () => {
      h.exporter.reset();
      const res = await h.request(method, path, { ...init, headers: { traceparent } });
      assert.ok(res.status < 300, res.text);
      const spans = h.spans();
      const [server, ...others] = serverSpans(spans);
      assert.ok(server && others.length === 0, "one server span");
      assert.equal(server.name, spanName);
      assert.equal(server.spanContext().traceId, traceId, "same trace as the caller");
      assert.equal(server.parentSpanContext?.spanId, gatewaySpanId, "child of the caller's span");
      assert.equal(server.attributes["http.response.status_code"], res.status);
      const redis = redisSpans(spans);
      assert.deepEqual(redis.map((s) => s.name), commands);
      for (const span of redis) {
        assert.equal(span.kind, SpanKind.CLIENT);
        assert.equal(span.spanContext().traceId, traceId);
        assert.equal(span.parentSpanContext?.spanId, server.spanContext().spanId, "child of the request span");
        assert.equal(span.attributes["db.operation"], span.name);
        assert.doesNotMatch(JSON.stringify(span.attributes), /Secret|notice:|[0-9a-f]{8}-[0-9a-f]{4}/, "no values");
      }
    });
  }
});

Deno.test("probes are not traced: /healthz and /livez make no spans, nor do their Redis commands", async () => {
  await using h = await startHarness();
  assert.equal((await h.request("GET", "/healthz", { headers: { traceparent } })).status, 200);
  assert.equal((await h.request("GET", "/livez", { headers: { traceparent } })).status, 200);
  assert.deepEqual(h.spans().map((s) => s.name), []);
});

Deno.test("without a traceparent a request starts its own trace; logs carry its trace id", async () => {
  await using h = await startHarness();
  const res = await h.request("GET", "/notice");
  assert.equal(res.status, 200);
  const [server] = serverSpans(h.spans());
  assert.ok(server);
  assert.equal(server.parentSpanContext, undefined);
  const line = h.logs.find((l) => l.msg === "request");
  assert.equal(line?.traceId, server.spanContext().traceId);
  assert.equal(line?.route, "/notice");
});

Deno.test("a failing request marks its spans as errors; unknown routes are named by method only", async () => {
  await using h = await startHarness({
    wrapRepository: (repo) => ({ ...repo, get: () => Promise.reject(new Error("boom")) }),
  });
  await h.request("GET", "/notice/abc");
  const [server] = serverSpans(h.spans());
  assert.equal(server?.status.code, 2 /* ERROR */);
  assert.equal(server?.attributes["http.response.status_code"], 500);
  h.exporter.reset();
  await h.request("GET", "/nowhere");
  assert.equal(serverSpans(h.spans())[0]?.name, "GET /*");
});

Deno.test("tracing off (OTEL_SDK_DISABLED=true): no spans, yet the caller's trace id still reaches the logs", async () => {
  await using h = await startHarness({ tracing: false });
  const res = await h.request("GET", "/notice", { headers: { traceparent } });
  assert.equal(res.status, 200);
  assert.deepEqual(h.spans(), []);
  assert.equal(h.logs.find((l) => l.msg === "request")?.traceId, traceId);
});
