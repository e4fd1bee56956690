import process from "node:process";
import assert from "node:assert/strict";
import { createNotice, type Harness, PROBLEM_TYPE, startHarness } from "../test_support/harness.ts";

/** Opt-in fault injection on the real app and the real test Redis (see the service-kit's faults for the generic rules). */

const setAssault = (h: Harness, assault: unknown, token = h.faultToken) =>
  h.request("PUT", "/faults/notices", { headers: { authorization: `Bearer ${token}` }, json: assault });

const timed = async <T>(run: () => Promise<T>) => {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
};

/** Rejects if `promise` takes longer than `ms`: an assault that leaked onto a route would show here. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not answered within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("faults: flag absent (every default start) → no control route (404) and no assault on any request", async () => {
  await using h = await startHarness();
  assert.equal(h.faults, undefined);
  for (const method of ["GET", "PUT"]) {
    const res = await h.request(method, "/faults/notices", {
      headers: { authorization: `Bearer ${h.faultToken}` },
      ...(method === "PUT" ? { json: { kind: "latency", ms: 500 } } : {}),
    });
    assert.equal(res.status, 404, method);
    assert.equal(res.body.type, PROBLEM_TYPE("not-found"));
  }
  const notice = await createNotice(h);
  assert.equal((await h.request("GET", `/notice/${notice.id}`)).status, 200);
  const events = h.spans().flatMap((s) => s.events.map((e) => e.name));
  assert.ok(!events.includes("fault.assault"), "no request went through an assault");
  assert.ok(!h.logs.some((l) => l.msg.startsWith("fault")), "nothing about faults in the logs");
});

Deno.test("faults: latency delays every notices route, with a span event and logged changes; off restores it", async () => {
  await using h = await startHarness({ faults: true });
  const notice = await createNotice(h);
  const set = await setAssault(h, { kind: "latency", ms: 300 });
  assert.equal(set.status, 200);
  assert.deepEqual(set.body, { module: "notices", assault: { kind: "latency", ms: 300 } });
  const list = await timed(() => h.request("GET", "/notice"));
  const one = await timed(() => h.request("GET", `/notice/${notice.id}`));
  assert.equal(list.result.status, 200);
  assert.deepEqual(one.result.body, notice);
  assert.ok(list.ms >= 295 && one.ms >= 295, `${list.ms} / ${one.ms} ms`);
  const assaulted = h.spans().filter((s) => s.events.some((e) => e.name === "fault.assault"));
  assert.deepEqual(assaulted.map((s) => s.name).sort(), ["GET /notice", "GET /notice/:id"]);
  assert.deepEqual(assaulted[0]?.events[0]?.attributes, { "fault.kind": "latency", "fault.ms": 300 });

  assert.equal((await setAssault(h, { kind: "off" })).status, 200);
  assert.deepEqual(
    h.logs.filter((l) => l.msg.startsWith("fault")).map((l) => [l.level, l.msg]),
    [["warn", "fault injection enabled"], ["warn", "fault assault set"], ["warn", "fault assault cleared"]],
  );
  assert.ok(!JSON.stringify(h.logs).includes(h.faultToken), "the control token is never logged");
});

Deno.test("faults: probes and the control route are never assaulted", async () => {
  await using h = await startHarness({ faults: true });
  await setAssault(h, { kind: "latency", ms: 60_000 });
  const health = await within(10_000, h.request("GET", "/healthz"));
  assert.equal(health.status, 200);
  assert.equal((await within(10_000, h.request("GET", "/livez"))).status, 200);
  assert.equal((await within(10_000, setAssault(h, { kind: "off" }))).status, 200);
  assert.equal((await within(10_000, h.request("GET", "/notice"))).status, 200);
});

Deno.test("faults: cpu burns that much of the process's CPU time per request (not merely wall time)", async () => {
  await using h = await startHarness({ faults: true });
  await setAssault(h, { kind: "cpu", ms: 60 });
  const cpu = () => (process.cpuUsage().user + process.cpuUsage().system) / 1000;
  const before = cpu();
  assert.equal((await h.request("GET", "/notice")).status, 200);
  assert.ok(cpu() - before >= 60, `${cpu() - before} ms of CPU`);
});

Deno.test("faults: cpu holds the event loop, so concurrent notices requests run one after another", async () => {
  // On the wall clock here: the process's CPU clock also counts other threads (GC, I/O), which run alongside.
  await using h = await startHarness({ faults: true, cpuClock: () => performance.now() });
  await setAssault(h, { kind: "cpu", ms: 40 });
  const { result, ms } = await timed(() => Promise.all([1, 2, 3].map(() => h.request("GET", "/notice"))));
  assert.deepEqual(result.map((r) => r.status), [200, 200, 200]);
  assert.ok(ms >= 118, `three 40 ms burns on one thread cannot overlap: ${ms} ms`);
});

Deno.test("faults: bad input is a 400 problem; no or a wrong token 401; a browser page 403; GET shows what is set", async () => {
  await using h = await startHarness({ faults: true });
  for (
    const bad of [{ kind: "latency", ms: -1 }, { kind: "cpu" }, { kind: "explode" }, { kind: "off", extra: 1 }, []]
  ) {
    const res = await setAssault(h, bad);
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.equal(res.headers.get("content-type"), "application/problem+json");
    assert.equal(res.body.type, PROBLEM_TYPE("validation"));
  }
  assert.equal((await h.request("PUT", "/faults/notices", { json: { kind: "off" } })).status, 401);
  assert.equal((await setAssault(h, { kind: "cpu", ms: 5 }, "wrong-token")).status, 401);
  const fromPage = await h.request("PUT", "/faults/notices", {
    headers: { authorization: `Bearer ${h.faultToken}`, origin: "http://localhost:8080" },
    json: { kind: "cpu", ms: 5 },
  });
  assert.equal(fromPage.status, 403);
  assert.equal(
    (await h.request("POST", "/faults/notices", { headers: { authorization: `Bearer ${h.faultToken}` } })).status,
    405,
  );
  const current = await h.request("GET", "/faults/notices", { headers: { authorization: `Bearer ${h.faultToken}` } });
  assert.deepEqual(current.body, { module: "notices", assault: { kind: "off" } });
  const doc = await h.request("GET", "/openapi.json");
  assert.ok(!JSON.stringify(doc.body.paths).includes("faults"), "the control route is no part of the API document");
});
