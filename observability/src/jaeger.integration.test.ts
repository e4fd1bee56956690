import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createJaegerClient, type JaegerClient, JaegerUnreachableError } from "./jaeger-client.ts";
import { freePort, type RunningJaeger, startJaeger } from "./test-support/jaeger-process.ts";
import { type SentTrace, sendTwoServiceTrace } from "./test-support/send-test-trace.ts";
import { assertTraceShape, childrenOf, rootSpan } from "./trace-shape.ts";

// Unique per run, so `--last` can only find this run's trace.
const services = { frontend: `obs-frontend-${process.pid}`, backend: `obs-backend-${process.pid}` };
let jaeger: RunningJaeger;
let client: JaegerClient;
let sent: SentTrace;

beforeAll(async () => {
  jaeger = await startJaeger({ config: "jaeger-memory.yaml" });
  client = createJaegerClient(jaeger.queryUrl);
  sent = await sendTwoServiceTrace(jaeger.otlpHttpUrl, services);
});
afterAll(async () => {
  await jaeger?.stop();
});

function runCli(...args: string[]) {
  const result = Bun.spawnSync([process.execPath, join(import.meta.dir, "trace-cli.ts"), ...args], {
    env: { ...process.env, JAEGER_URL: jaeger.queryUrl, NO_COLOR: "" },
  });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

describe("Jaeger client against the real Jaeger (jaeger-memory.yaml)", () => {
  test("waits for the whole trace, whose shape is one tree across both services", async () => {
    const trace = await client.waitForTrace(sent.traceId, {
      minSpans: sent.spanCount,
      services: Object.values(services),
      timeoutMs: 15_000,
    });
    const tree = assertTraceShape(trace, { rootService: services.frontend, services: Object.values(services), minSpans: 5 });
    const root = rootSpan(tree);
    expect(root.operation).toBe("GET /checkout");
    const [server] = childrenOf(tree, root);
    expect(server).toMatchObject({ service: services.backend, operation: "POST /orders" });
    if (!server) throw new Error("unreachable");
    const work = childrenOf(tree, server);
    expect(work.map((s) => s.operation).sort()).toEqual(["INSERT orders", "XADD", "publish order.placed"]);
    expect(work.find((s) => s.operation === "INSERT orders")?.attributes).toMatchObject({
      "db.system": "postgresql",
      "db.statement": "insert into orders (id, total) values ($1, $2)",
    });
    expect(work.find((s) => s.operation === "publish order.placed")).toMatchObject({ error: true, errorMessage: "stream full" });
    expect(server.attributes["http.response.status_code"]).toBe(201);
  });

  test("lists the services and finds the trace by service", async () => {
    expect(await client.listServices()).toEqual(expect.arrayContaining(Object.values(services)));
    const found = await client.findTraces({ service: services.backend, limit: 5, lookbackMs: 600_000 });
    expect(found.map((t) => t.traceID)).toContain(sent.traceId);
  });

  test("an unknown trace is null, not an error", async () => {
    expect(await client.getTrace("0123456789abcdef0123456789abcdef")).toBeNull();
  });

  test("waitForTrace gives up with what it saw", async () => {
    const waiting = client.waitForTrace(sent.traceId, { minSpans: 99, timeoutMs: 600 });
    await expect(waiting).rejects.toThrow(/not complete after 600 ms .*GET \/checkout/);
  });

  test("a Jaeger that is not there is JaegerUnreachableError", async () => {
    const nowhere = createJaegerClient(`http://127.0.0.1:${await freePort()}`);
    await expect(nowhere.listServices()).rejects.toBeInstanceOf(JaegerUnreachableError);
  });
});

describe("trace CLI (subprocess) against the real Jaeger", () => {
  beforeAll(async () => {
    await client.waitForTrace(sent.traceId, { minSpans: sent.spanCount });
  });

  test("prints the trace by id: summary, then one waterfall line per span with key attributes", () => {
    const { code, stdout, stderr } = runCli(sent.traceId);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain(`Trace ${sent.traceId}`);
    expect(stdout).toContain(`5 in 2 services: ${[services.backend, services.frontend].sort().join(", ")}`);
    expect(stdout).toContain("errors    1 span failed");
    const lines = stdout.split("\n");
    expect(lines.find((l) => l.includes(`${services.frontend} GET /checkout`))).toMatch(
      /^│█[█▏▎▍▌▋▊▉ ]*│ {2}obs-frontend-\d+ GET \/checkout +\d+\.\d\d ms {2}HTTP 200$/,
    );
    expect(lines.find((l) => l.includes(`└─ ${services.backend} POST /orders`))).toMatch(/ms {2}HTTP 201$/);
    expect(lines.find((l) => l.includes("INSERT orders"))).toContain("SQL: insert into orders (id, total) values ($1, $2)");
    expect(lines.find((l) => l.includes(" XADD "))).toContain("redis XADD");
    expect(lines.find((l) => l.includes("publish order.placed"))).toContain("error: stream full");
    expect(stdout).not.toContain("\x1b[");
  });

  test("--last <service> prints the most recent trace of that service", () => {
    const { code, stdout } = runCli("--last", services.backend);
    expect(code).toBe(0);
    expect(stdout).toContain(`Trace ${sent.traceId}`);
  });

  test("exits 1 with a clear message when the trace or the service is unknown", () => {
    const missing = runCli("0123456789abcdef0123456789abcdef");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("trace 0123456789abcdef0123456789abcdef not found in Jaeger");
    const noService = runCli("--last", "no-such-service");
    expect(noService.code).toBe(1);
    expect(noService.stderr).toContain(`has no service "no-such-service"; it knows: `);
  });

  test("exits 1 saying Jaeger is unreachable when it is", async () => {
    const { code, stderr, stdout } = runCli(sent.traceId, "--jaeger", `http://127.0.0.1:${await freePort()}`);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^trace: Jaeger is unreachable at http:\/\/127\.0\.0\.1:\d+/);
  });
});
