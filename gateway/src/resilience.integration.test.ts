import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { clusterHosts, waitFor } from "./test-support/admin.ts";
import { expectProblem, expectTraceId, traceIdOf } from "./test-support/assertions.ts";
import { type Harness, startHarness } from "./test-support/harness.ts";
import { type Stub, startStub } from "./test-support/stubs.ts";

// Slow, dead and replaced instances behind a real Envoy (route timeout 1 s, per-try 400 ms,
// health checks every 200 ms).

let gw: Harness;
let token: string;
const extraStubs: Stub[] = [];
const startedAt = Date.now();

beforeAll(async () => {
  gw = await startHarness();
  token = await gw.tokens.valid({ role: "admin" });
});
afterAll(async () => {
  await gw?.stop();
  for (const stub of extraStubs) await stub.stop();
});

const local = (stub: Stub) => ({ host: "127.0.0.1", port: stub.port });
const timed = async (request: Promise<Response>) => {
  const started = performance.now();
  const response = await request;
  return { response, ms: performance.now() - started };
};
const get = (path: string) => fetch(gw.url + path);
const post = (path: string) =>
  fetch(gw.url + path, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ title: "t", body: "b" }),
  });
const instanceOf = async (response: Response) => ((await response.json()) as { instance: string }).instance;

describe("a hanging service", () => {
  test("GET → 504 problem within the route timeout, after retrying the slow attempts", async () => {
    const postings = gw.stubs.postings;
    postings.behaviour = { kind: "hang" };
    const before = postings.seen.length;
    const { response, ms } = await timed(get("/postings/slow"));
    await expectProblem(response, 504, "timeout");
    const { routeTimeoutMs } = gw.options.limits;
    expect(ms).toBeGreaterThan(routeTimeoutMs * 0.8);
    expect(ms).toBeLessThan(routeTimeoutMs + 700);
    // Per-try timeout 400 ms inside 1 s: the GET was tried more than once.
    const attempts = postings.seen.slice(before);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    // The 504 carries the trace id the service saw.
    expect(traceIdOf(attempts[0]?.headers.traceparent)).toBe(expectTraceId(response));
  });

  test("three failures in a row eject the host: the circuit is open, 503 problem at once", async () => {
    // The hanging attempts above and the failing health checks take the host out; how soon depends on
    // the machine, so wait for Envoy to say so rather than assume it has by now.
    await waitFor("Envoy to take the hanging postings host out", async () =>
      (await clusterHosts(gw.adminUrl, "postings")).every((h) => h.failing),
    );
    const before = gw.stubs.postings.seen.length;
    const { response, ms } = await timed(post("/postings"));
    await expectProblem(response, 503, "unavailable");
    expect(ms).toBeLessThan(200);
    expect(gw.stubs.postings.seen.length).toBe(before);
  });

  test("once the service answers again, a passing health check closes the circuit", async () => {
    gw.stubs.postings.behaviour = { kind: "echo" };
    await waitFor("postings to answer again", async () => (await get("/postings")).status === 200);
  });

  test("POST → 504 problem, and it was sent exactly once", async () => {
    const postings = gw.stubs.postings;
    postings.behaviour = { kind: "hang" };
    const before = postings.seen.length;
    try {
      const { response, ms } = await timed(post("/postings"));
      await expectProblem(response, 504, "timeout");
      expect(ms).toBeLessThan(gw.options.limits.routeTimeoutMs + 700);
      expect(postings.seen.slice(before).filter((r) => r.method === "POST")).toHaveLength(1);
    } finally {
      postings.behaviour = { kind: "echo" };
    }
  });
});

describe("service errors are the service's", () => {
  test("a 503 problem from the service passes through unchanged", async () => {
    gw.stubs.notices.behaviour = { kind: "status", status: 503 };
    try {
      const response = await get("/notice");
      expect(response.status).toBe(503);
      expect(((await response.json()) as { type: string }).type).toBe("https://msa-board.dev/problems/stub");
      expectTraceId(response);
    } finally {
      gw.stubs.notices.behaviour = { kind: "echo" };
    }
  });
});

describe("instances change without restarting Envoy (EDS file)", () => {
  test("rewriting the file moves traffic to a new instance", async () => {
    const next = startStub("postings", "postings-2");
    extraStubs.push(next);
    gw.setEndpoints("postings", [local(next)]);
    await waitFor("traffic on postings-2", async () => {
      const response = await get("/postings");
      return response.status === 200 && (await instanceOf(response)) === "postings-2";
    });
    for (let i = 0; i < 5; i++) expect(await instanceOf(await get("/postings"))).toBe("postings-2");
    // Same Envoy process all along.
    const info = (await (await fetch(`${gw.adminUrl}/server_info`)).json()) as { state: string; uptime_all_epochs: string };
    expect(info.state).toBe("LIVE");
    expect(Number.parseInt(info.uptime_all_epochs, 10)).toBeGreaterThanOrEqual(Math.floor((Date.now() - startedAt) / 1000) - 1);
  });

  test("scale out: two instances both get traffic", async () => {
    const first = gw.stubs.postings;
    const second = extraStubs[0] as Stub;
    gw.setEndpoints("postings", [local(first), local(second)]);
    await waitFor("both postings hosts healthy", async () => {
      const hosts = await clusterHosts(gw.adminUrl, "postings");
      return hosts.length === 2 && hosts.every((h) => !h.failing);
    });
    const seen = new Set<string>();
    for (let i = 0; i < 30 && seen.size < 2; i++) seen.add(await instanceOf(await get("/postings")));
    expect(seen).toEqual(new Set(["postings-1", "postings-2"]));
  });

  test("a rolling replacement loses no request", async () => {
    const old = extraStubs[0] as Stub;
    const current = gw.stubs.postings;
    const replacement = startStub("postings", "postings-3");
    extraStubs.push(replacement);

    const statuses: number[] = [];
    let running = true;
    const load = (async () => {
      while (running) {
        const [a, b] = await Promise.all([get("/postings"), post("/postings")]);
        statuses.push(a.status, b.status);
        await Promise.all([a.body?.cancel(), b.body?.cancel()]);
      }
    })();

    // The runner's sequence: add the new instance, wait until it is healthy, drain the old one,
    // remove it, then stop it.
    gw.setEndpoints("postings", [local(current), local(old), local(replacement)]);
    await waitFor("replacement healthy", async () =>
      (await clusterHosts(gw.adminUrl, "postings")).some((h) => h.address.endsWith(`:${replacement.port}`) && !h.failing),
    );
    gw.setEndpoints("postings", [local(current), { ...local(old), draining: true }, local(replacement)]);
    await Bun.sleep(300);
    gw.setEndpoints("postings", [local(current), local(replacement)]);
    await waitFor("old instance gone from the cluster", async () =>
      (await clusterHosts(gw.adminUrl, "postings")).every((h) => !h.address.endsWith(`:${old.port}`)),
    );
    await old.stop();
    await Bun.sleep(300);
    running = false;
    await load;

    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  test("an instance that dies unannounced: requests are retried on the other one", async () => {
    // postings-1 and postings-3 are in the pool; postings-1 vanishes before any health check notices.
    await gw.stubs.postings.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const [a, b] = await Promise.all([get("/postings"), post("/postings")]);
      statuses.push(a.status, b.status);
      expect(await instanceOf(a)).toBe("postings-3");
      await b.body?.cancel();
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });
});

describe("a dead service", () => {
  test("once health checks mark it down: 503 problem, fast", async () => {
    await gw.stubs.notices.stop();
    await waitFor("notices marked unhealthy", async () => (await clusterHosts(gw.adminUrl, "notices")).every((h) => h.failing));
    for (const request of [() => get("/notice"), () => post("/notice")]) {
      const { response, ms } = await timed(request());
      await expectProblem(response, 503, "unavailable");
      expect(ms).toBeLessThan(200);
    }
  });

  test("the rest of the gateway is unaffected", async () => {
    expect((await get("/postings")).status).toBe(200);
    expect((await get("/.well-known/jwks.json")).status).toBe(200);
  });
});
