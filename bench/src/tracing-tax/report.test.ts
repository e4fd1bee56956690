import { expect, test } from "bun:test";
import { pairs, ratios, renderTracingTax } from "./report.ts";
import type { TaxWindow } from "./window.ts";

/** A window serving `served` requests in 8 s, with `postingsS` CPU seconds in postings (of which `jitS` on its JIT thread). */
const w = (side: TaxWindow["side"], round: number, served: number, postingsS: number, jitS = 0): TaxWindow => ({
  side,
  round,
  slot: 1,
  loadAverage: 1,
  cpu: { label: side, served, throughput: served / 8, cpuS: { postings: postingsS, gateway: 1 } },
  threads: {
    postings: [
      { name: "bun", userS: postingsS - jitS, systemS: 0 },
      { name: "JITWorker", userS: jitS, systemS: 0 },
    ],
  },
  idleStackCpuS: 0.8,
  wallS: 8,
  rewarmSent: 0,
  latency: { medianMs: 1, p99Ms: 2 },
});

const windows = [
  w("traced", 1, 8000, 4, 0.8),
  w("untraced", 1, 10_000, 4),
  w("untraced", 2, 4000, 2),
  w("traced", 2, 3600, 2, 0.36),
  w("traced", 3, 9000, 4),
];

test("rounds pair a traced and an untraced window; a round with only one side is left out", () => {
  expect(pairs(windows).map((p) => p.round)).toEqual([1, 2]);
});

test("per round: throughput traced ÷ untraced, and CPU per request untraced ÷ traced", () => {
  const r = ratios(windows);
  expect(r.throughput).toEqual([0.8, 0.9]);
  // Round 1: untraced (4 + 1) s / 10,000 = 0.5 ms; traced 5 s / 8,000 = 0.625 ms.
  expect(r.cpu[0]).toBeCloseTo(0.8, 10);
});

test("the section names the ratios, each process and each thread with its traced − off difference", () => {
  const text = renderTracingTax(windows, {
    started: "2026-11-29T00:00:00Z",
    rounds: 3,
    seconds: 8,
    warmupS: 5,
    warm: "warmed up",
    loadAverage: { began: "0.1", ended: "0.2" },
  });
  expect(text).toContain("throughput traced ÷ untraced, per round: 0.85 [0.80–0.90]");
  // postings: off 0.4 and 0.5 ms; traced 0.5, 0.556, 0.444 ms → median 0.500; Δ per round +0.100 and +0.056.
  expect(text).toContain("| postings | 0.450 [0.400–0.500] | 0.500 [0.444–0.556] | +0.078 |");
  expect(text).toMatch(/\| postings · JITWorker \| 0\.000 \| 0\.100 \| \+0\.100 \|/);
  expect(text).toContain("the untraced one 100.0 [100.0–100.0], the traced one 100.0 [100.0–100.0]");
});
