import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureLoadGenerators } from "@msa-board/stack/tools";
import { recordingServer } from "./test-server.ts";
import { parseWrkOutput, wrkSaturate } from "./wrk.ts";

const server = recordingServer();
let wrk: string;
// Cached after the first install (apt); the first one may take a while.
beforeAll(async () => {
  wrk = (await ensureLoadGenerators()).wrk;
}, 600_000);
afterAll(() => server.stop());

describe("wrk, closed loop", () => {
  test("its real output parses into a result that matches what the server saw", async () => {
    server.seen.length = 0;
    const run = await wrkSaturate(wrk, "ok", { url: `${server.url}/ok` }, { connections: 4, durationS: 1, warmupS: 0 });
    expect(run.errors).toBe(0);
    expect(run.ok).toBeGreaterThan(100);
    // The server may have answered a few more than wrk counted (requests cut off at the end).
    expect(server.seen.length).toBeGreaterThanOrEqual(run.ok);
    expect(server.seen.length).toBeLessThanOrEqual(run.ok + 4);
    expect(run.durationS).toBeGreaterThan(0.9);
    expect(run.throughput).toBeCloseTo(run.ok / run.durationS, 0);
    expect(run.medianMs).toBeGreaterThan(0);
    expect(run.p99Ms).toBeGreaterThanOrEqual(run.medianMs);
    expect(run.generatorCpuS).toBeGreaterThan(0);
  });

  test("method, headers and body reach the server; error statuses are counted as errors", async () => {
    server.seen.length = 0;
    const body = JSON.stringify({ quote: 'a "quoted" body', n: 1 });
    const run = await wrkSaturate(
      wrk,
      "post",
      { url: `${server.url}/fail`, method: "POST", headers: { "x-bench": "yes" }, body },
      { connections: 2, durationS: 1, warmupS: 0 },
    );
    expect(run.ok).toBe(0);
    expect(run.errors).toBeGreaterThan(10);
    expect(server.seen[0]).toEqual({ method: "POST", path: "/fail", header: "yes", body });
  });

  test("a server that is not there fails the run loudly, not as an empty success", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const url = `http://127.0.0.1:${closed.port}/`;
    closed.stop(true);
    await expect(wrkSaturate(wrk, "closed", { url }, { connections: 2, durationS: 1, warmupS: 0 })).rejects.toThrow("Connection refused");
  });

  test("only loopback targets", async () => {
    await expect(wrkSaturate(wrk, "x", { url: "http://example.com/" }, { connections: 1, durationS: 1 })).rejects.toThrow(
      "only loads http://127.0.0.1",
    );
  });

  test("output without the reporter's line is refused", () => {
    expect(() => parseWrkOutput("x", "Running 1s test @ http://127.0.0.1/\n  1 threads and 1 connections\n")).toThrow("no summary line");
  });
});
