import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { z } from "zod";
import { handleErrors } from "../http/error-handler.ts";
import { createLogger } from "../logger.ts";
import { assaultRequests, FaultInjector, faultControlToken, faultFlag, registerFaultControl, requireTokenWhenEnabled } from "./index.ts";

const TOKEN = "t".repeat(40);

/** The process's CPU time in ms, as the entry points hand it in. */
const cpuTimeMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** A module app as a service wires it: assaults on its own routes, control beside them, probes untouched. */
function moduleApp(clock: () => number = cpuTimeMs) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ service: "test", level: "info", write: (l) => lines.push(JSON.parse(l)) });
  const faults = new FaultInjector({ module: "things", controlToken: TOKEN, logger, cpuTimeMs: clock });
  const app = new Hono();
  app.onError(handleErrors(logger));
  app.use("/things/*", assaultRequests(faults));
  registerFaultControl(app, faults);
  app.get("/things/:id", (c) => c.json({ id: c.req.param("id") }));
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  const put = (body: unknown, headers: Record<string, string> = {}) =>
    app.request("/faults/things", {
      method: "PUT",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return { app, faults, lines, put };
}

const timed = async (run: () => unknown) => {
  const started = performance.now();
  await run();
  return performance.now() - started;
};

describe("fault injection (opt-in)", () => {
  test("PUT sets an assault, GET reads it, off clears it; each change is logged", async () => {
    const { app, put, lines } = moduleApp();
    expect(await (await put({ kind: "latency", ms: 250 })).json()).toEqual({ module: "things", assault: { kind: "latency", ms: 250 } });
    const read = await app.request("/faults/things", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await read.json()).toEqual({ module: "things", assault: { kind: "latency", ms: 250 } });
    expect((await put({ kind: "off" })).status).toBe(200);
    expect(lines.map((l) => [l.msg, l.kind ?? l.was])).toEqual([
      ["fault injection enabled", undefined],
      ["fault assault set", "latency"],
      ["fault assault cleared", "latency"],
    ]);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  test("latency: the module's requests wait at least that long; its probes and the control route do not", async () => {
    const { app, put } = moduleApp();
    await put({ kind: "latency", ms: 200 });
    expect(await timed(() => app.request("/things/1"))).toBeGreaterThanOrEqual(195);
    // A 60 s assault would show on anything it touched; these answer under it.
    await put({ kind: "latency", ms: 60_000 });
    const answered = await Promise.race([
      Promise.all([app.request("/healthz"), put({ kind: "off" })]).then(() => "answered"),
      Bun.sleep(10_000).then(() => "delayed"),
    ]);
    expect(answered).toBe("answered");
  });

  test("cpu: each request burns that much CPU time (not merely wall time), on the event loop", async () => {
    const { app, put } = moduleApp();
    await put({ kind: "cpu", ms: 60 });
    const before = cpuTimeMs();
    await app.request("/things/1");
    expect(cpuTimeMs() - before).toBeGreaterThanOrEqual(60);
  });

  test("cpu: each request holds the event loop, so concurrent requests run one after another", async () => {
    // On the wall clock here: the process's CPU clock also counts other threads (GC), which run alongside.
    const { app, put } = moduleApp(() => performance.now());
    await put({ kind: "cpu", ms: 40 });
    // Three requests at once on one thread cannot overlap their burns: at least 3 × 40 ms in all.
    expect(await timed(() => Promise.all([1, 2, 3].map((id) => app.request(`/things/${id}`))))).toBeGreaterThanOrEqual(118);
  });

  test("bad input is a 400 problem naming the field; the assault stays as it was", async () => {
    const { faults, put } = moduleApp();
    for (const body of [
      { kind: "slow", ms: 5 },
      { kind: "latency" },
      { kind: "cpu", ms: 5_000 },
      { kind: "latency", ms: 1.5 },
      { kind: "off", ms: 3 },
    ]) {
      const res = await put(body);
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toStartWith("application/problem+json");
      expect(((await res.json()) as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
    }
    const malformed = await put("{not json");
    expect([malformed.status, ((await malformed.json()) as { type: string }).type]).toEqual([
      400,
      "https://msa-board.dev/problems/malformed-request",
    ]);
    expect((await put({ kind: "off" }, { "content-type": "text/plain" })).status).toBe(415);
    expect(faults.assault).toEqual({ kind: "off" });
  });

  test("only the token holder, never a browser page: 401 without or with a wrong token, 403 with an Origin", async () => {
    const { app, faults, put } = moduleApp();
    const none = await app.request("/faults/things", { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" });
    expect([none.status, none.headers.get("www-authenticate")]).toEqual([401, "Bearer"]);
    expect((await put({ kind: "cpu", ms: 5 }, { authorization: `Bearer ${"x".repeat(40)}` })).status).toBe(401);
    expect((await put({ kind: "cpu", ms: 5 }, { authorization: `Bearer ${TOKEN.slice(1)}` })).status).toBe(401);
    expect((await put({ kind: "cpu", ms: 5 }, { origin: "http://evil.example" })).status).toBe(403);
    expect((await put({ kind: "cpu", ms: 5 }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect(faults.assault).toEqual({ kind: "off" });
  });

  test("the flag: only exactly `enabled` turns it on, and then the control token is required", () => {
    const schema = z
      .object({ THINGS_FAULTS: faultFlag(), FAULTS_CONTROL_TOKEN: faultControlToken() })
      .superRefine(requireTokenWhenEnabled("THINGS_FAULTS"));
    expect(schema.parse({}).THINGS_FAULTS).toBe(false);
    for (const value of ["true", "1", "yes", "Enabled", ""]) expect(schema.parse({ THINGS_FAULTS: value }).THINGS_FAULTS).toBe(false);
    expect(schema.safeParse({ THINGS_FAULTS: "enabled" }).error?.issues[0]?.path).toEqual(["FAULTS_CONTROL_TOKEN"]);
    expect(schema.parse({ THINGS_FAULTS: "enabled", FAULTS_CONTROL_TOKEN: TOKEN }).THINGS_FAULTS).toBe(true);
    expect(
      () => new FaultInjector({ module: "x", controlToken: "short", logger: createLogger({ service: "t", write: () => {} }) }),
    ).toThrow();
  });
});
