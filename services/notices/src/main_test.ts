/**
 * The real entry point as operators run it: `deno task start`, with exactly its permissions.
 */
import assert from "node:assert/strict";
import { decodeTraceRequest, type OtlpTraceRequest } from "./test_support/otlp_protobuf.ts";
import { connectTestRedis, testRedisUrl } from "./test_support/redis.ts";
import { createTestTokens } from "@msa-board/service-kit/test-support/tokens";

const serviceDir = new URL("../", import.meta.url).pathname;

type Started = { child: Deno.ChildProcess; lines: string[]; url: string; output: () => string };

function spawnService(env: Record<string, string>): { child: Deno.ChildProcess; lines: string[] } {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "start"],
    cwd: serviceDir,
    env: { OTEL_SDK_DISABLED: "true", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    let buffered = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      lines.push(...parts);
    }
    if (buffered) lines.push(buffered);
  };
  void collect(child.stdout);
  void collect(child.stderr);
  return { child, lines };
}

async function startService(env: Record<string, string>): Promise<Started> {
  const { child, lines } = spawnService({ PORT: "0", REDIS_URL: testRedisUrl(), ...env });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    // Serving starts before Redis is connected (503s until then): wait for both, so a test's first request is served.
    const records = lines.map(tryJson);
    const listening = records.find((l) => l?.msg === "listening");
    if (listening && records.some((l) => l?.msg === "redis ready")) {
      return {
        child,
        lines,
        url: String(listening.url),
        output: () => lines.join("\n"),
      };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`the service did not start:\n${lines.join("\n")}`);
}

/** The service ran without a key prefix: remove exactly what the test created. */
async function removeNotice(id: string) {
  const redis = await connectTestRedis();
  await redis.del(`notice:${id}`);
  await redis.zRem("notices:by-created", id);
  await redis.close();
}

function tryJson(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

Deno.test("a bad environment value stops the start, naming the variable", async () => {
  for (const [name, value] of [["PORT", "not-a-port"], ["REDIS_URL", "http://wrong"], ["OTEL_SDK_DISABLED", "maybe"]]) {
    const { child, lines } = spawnService({ [name as string]: value as string });
    const status = await child.status;
    assert.notEqual(status.code, 0, `${name}=${value} must not start`);
    assert.match(lines.join("\n"), new RegExp(`${name}:`));
  }
});

Deno.test("deno task start: serves JSON logs, and on SIGTERM drains the in-flight request and exits 0", async () => {
  const tokens = await createTestTokens({ issuer: "msa-board", audience: "msa-board" });
  let releaseJwks!: () => void;
  const jwksHeld = new Promise<void>((resolve) => (releaseJwks = resolve));
  let jwksRequested!: () => void;
  const jwksAsked = new Promise<void>((resolve) => (jwksRequested = resolve));
  // A JWKS endpoint that holds its answer, so a POST is in flight when SIGTERM arrives.
  await using jwks = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async () => {
    jwksRequested();
    await jwksHeld;
    return Response.json(tokens.jwks);
  });
  const service = await startService({
    JWKS_URL: `http://127.0.0.1:${jwks.addr.port}/jwks.json`,
    SHUTDOWN_TIMEOUT_MS: "10000",
  });
  let createdId: string | undefined;
  try {
    const health = await fetch(`${service.url}/healthz`);
    assert.equal(health.status, 200, service.output());
    assert.deepEqual(await health.json(), { status: "ok", checks: { redis: "ok" } });

    const token = await tokens.sign({ sub: crypto.randomUUID(), role: "admin", name: "Test Admin" });
    const inFlight = fetch(`${service.url}/notice`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ title: "drained", body: "answered during shutdown" }),
    });
    await jwksAsked;
    service.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 200));
    releaseJwks();
    const res = await inFlight;
    assert.equal(res.status, 201, service.output());
    createdId = (await res.json()).id;

    const status = await service.child.status;
    assert.equal(status.code, 0, service.output());
    await fetch(`${service.url}/healthz`).then(
      () => assert.fail("still accepting after shutdown"),
      () => {},
    );
    const logs = service.lines.map(tryJson).filter((l) => l !== undefined);
    assert.ok(logs.every((l) => l.service === "notices" && typeof l.time === "string" && l.level && l.msg));
    const order = (msg: string) => logs.findIndex((l) => l.msg === msg);
    assert.ok(order("listening") >= 0 && order("shutting down") > order("listening"), service.output());
    assert.ok(order("stopped") > logs.findIndex((l) => l.msg === "request" && l.status === 201), "drained first");
    assert.ok(!service.output().includes(token.split(".")[2] as string), "no token in the logs");
  } finally {
    try {
      service.child.kill("SIGKILL");
    } catch { /* already exited, as it should have */ }
    await service.child.status;
    if (createdId) await removeNotice(createdId);
  }
});

Deno.test("spans leave over OTLP/HTTP (protobuf) as service `notices`, joined to the caller's trace, flushed on SIGTERM", async () => {
  const batches: OtlpTraceRequest[] = [];
  const contentTypes = new Set<string | null>();
  await using collector = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    if (new URL(req.url).pathname !== "/v1/traces") return new Response(null, { status: 404 });
    contentTypes.add(req.headers.get("content-type"));
    batches.push(decodeTraceRequest(new Uint8Array(await req.arrayBuffer())));
    // An empty ExportTraceServiceResponse: everything accepted.
    return new Response(new Uint8Array(), { headers: { "content-type": "application/x-protobuf" } });
  });
  const service = await startService({
    OTEL_SDK_DISABLED: "false",
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.addr.port}`,
  });
  try {
    const traceId = "0af7651916cd43dd8448eb211c80319c";
    const res = await fetch(`${service.url}/notice?limit=1`, {
      headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
    });
    assert.equal(res.status, 200, service.output());
    await res.body?.cancel();
    service.child.kill("SIGTERM");
    assert.equal((await service.child.status).code, 0, service.output());

    const resources = batches.flatMap((b) => b.resourceSpans);
    assert.ok(resources.length > 0, "spans were exported before exit");
    assert.deepEqual([...contentTypes], ["application/x-protobuf"]);
    for (const r of resources) {
      assert.ok(
        JSON.stringify(r.resource.attributes).includes('{"key":"service.name","value":{"stringValue":"notices"}}'),
      );
    }
    const spans = resources.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)).filter((s) => s.traceId === traceId);
    const server = spans.find((s) => s.name === "GET /notice");
    assert.ok(server, JSON.stringify(spans.map((s) => s.name)));
    assert.equal(server.parentSpanId, "b7ad6b7169203331");
    const redis = spans.find((s) => s.name === "EVALSHA");
    assert.equal(redis?.parentSpanId, server.spanId);
  } finally {
    try {
      service.child.kill("SIGKILL");
    } catch { /* already exited */ }
    await service.child.status;
  }
});
