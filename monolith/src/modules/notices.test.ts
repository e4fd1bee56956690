import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { createLogger } from "@msa-board/service-kit/logger";
import { trace } from "@opentelemetry/api";
import { createLocalJWKSet } from "jose";
import { loadConfig } from "../config.ts";
import { createHost } from "../host.ts";
import { startNoticesModule } from "./notices.ts";

const TOKEN = "f".repeat(64);
const tracer = trace.getTracer("test");
const logger = createLogger({ service: "monolith", level: "error", write: () => {} });

/** A port nothing listens on: the control route and the assault never touch notices' Redis. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real notices module, hosted as the monolith hosts it, with the given environment. */
async function hostNotices(env: Record<string, string>) {
  const config = loadConfig({
    ADMIN_EMAIL: "admin@example.com",
    ADMIN_PASSWORD: "a-long-admin-secret",
    REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    LOG_LEVEL: "error",
    ...env,
  });
  const notices = startNoticesModule(config, { tracer, keys: createLocalJWKSet({ keys: [] }), base: {} });
  const host = createHost({ modules: [notices], logger, tracer });
  return {
    host,
    put: (body: unknown, token = TOKEN) =>
      host.request("/faults/notices", {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    async [Symbol.asyncDispose]() {
      for (const closer of notices.closers) await closer.close();
    },
  };
}

describe("the notices module's fault injection in the monolith", () => {
  test("flag absent (every default start): /faults/notices is a 404 on the monolith's port", async () => {
    await using m = await hostNotices({ FAULTS_CONTROL_TOKEN: TOKEN });
    const res = await m.put({ kind: "cpu", ms: 100 });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toStartWith("application/problem+json");
  });

  test("NOTICES_FAULTS=enabled: the host serves notices' control route, guarded by the token", async () => {
    await using m = await hostNotices({ NOTICES_FAULTS: "enabled", FAULTS_CONTROL_TOKEN: TOKEN });
    expect((await m.put({ kind: "cpu", ms: 100 }, "x".repeat(64))).status).toBe(401);
    expect((await m.put({ kind: "cpu", ms: 100_000 })).status).toBe(400);
    expect(await (await m.put({ kind: "latency", ms: 250 })).json()).toEqual({ module: "notices", assault: { kind: "latency", ms: 250 } });
    // The assault runs before the handler: a notices request takes at least that long (then 503s: no Redis here).
    const started = performance.now();
    const res = await m.host.request("/notice");
    expect(performance.now() - started).toBeGreaterThanOrEqual(245);
    expect(res.status).toBe(503);
    expect((await m.put({ kind: "off" })).status).toBe(200);
  });

  test("a cpu assault burns that much of the event loop's own CPU time per notices request", async () => {
    await using m = await hostNotices({ NOTICES_FAULTS: "enabled", FAULTS_CONTROL_TOKEN: TOKEN });
    await m.put({ kind: "cpu", ms: 50 });
    const threadCpuMs = () => Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
    const before = threadCpuMs();
    await m.host.request("/notice");
    expect(threadCpuMs() - before).toBeGreaterThanOrEqual(50);
  });
});
