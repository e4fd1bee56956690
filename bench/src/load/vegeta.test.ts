import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ensureLoadGenerators } from "@msa-board/stack/tools";
import { recordingServer } from "./test-server.ts";
import { vegetaRate, vegetaSaturate, vegetaTarget } from "./vegeta.ts";

const server = recordingServer();
let vegeta: string;
// Cached after the first build (Go module proxy); the first one may take a few minutes.
beforeAll(async () => {
  vegeta = (await ensureLoadGenerators()).vegeta;
}, 600_000);
afterAll(() => server.stop());

describe("vegeta, open loop", () => {
  test("sends the scheduled number of requests, in order, each with its own method, header and body", async () => {
    server.seen.length = 0;
    const run = await vegetaRate(
      vegeta,
      "rate",
      (i) =>
        i % 2 === 0
          ? { url: `${server.url}/get?i=${i}` }
          : { url: `${server.url}/post?i=${i}`, method: "POST", headers: { "x-bench": `h${i}` }, body: `{"i":${i}}` },
      { rate: 100, durationS: 1, warmupS: 0.2 },
    );
    // Warm-up: 20 requests plus the spare target (never sent); then 100 measured ones.
    expect(run.sent).toBe(100);
    expect(run.ok).toBe(100);
    expect(run.errors).toBe(0);
    expect(server.seen).toHaveLength(120);
    // In order, one each: 0–19 warm up, 20 is the spare target left unsent, 21–120 are measured.
    const sent = server.seen.map((r) => Number(new URL(r.path, server.url).searchParams.get("i"))).sort((a, b) => a - b);
    expect(sent).toEqual([...Array.from({ length: 20 }, (_, i) => i), ...Array.from({ length: 100 }, (_, i) => i + 21)]);
    expect(server.seen.find((r) => r.path === "/post?i=21")).toEqual({
      method: "POST",
      path: "/post?i=21",
      header: "h21",
      body: '{"i":21}',
    });
    expect(server.seen.find((r) => r.path === "/get?i=22")).toEqual({ method: "GET", path: "/get?i=22", header: null, body: "" });
  });

  test("its real report parses: latency in ms, throughput near the rate, errors counted", async () => {
    const ok = await vegetaRate(vegeta, "ok", () => ({ url: `${server.url}/ok` }), { rate: 200, durationS: 1, warmupS: 0 });
    expect(ok.throughput).toBeGreaterThan(150);
    expect(ok.throughput).toBeLessThan(220);
    expect(ok.medianMs).toBeGreaterThan(0);
    expect(ok.medianMs).toBeLessThan(1000);
    expect(ok.p99Ms).toBeGreaterThanOrEqual(ok.medianMs);
    expect(ok.generatorCpuS).toBeGreaterThan(0);
    const failing = await vegetaRate(vegeta, "fail", () => ({ url: `${server.url}/fail` }), { rate: 50, durationS: 1, warmupS: 0 });
    expect(failing.ok).toBe(0);
    expect(failing.errors).toBe(50);
  });

  test("rate 0 with a fixed number of workers is a closed loop", async () => {
    const run = await vegetaSaturate(vegeta, "sat", { url: `${server.url}/ok` }, { workers: 4, durationS: 1, warmupS: 0 });
    expect(run.errors).toBe(0);
    expect(run.throughput).toBeGreaterThan(300);
  });

  test("only loopback targets", () => {
    expect(() => vegetaTarget({ url: "https://127.0.0.1/" })).toThrow("only loads http://127.0.0.1");
    expect(() => vegetaTarget({ url: "http://10.0.0.1/" })).toThrow("only loads http://127.0.0.1");
  });
});
