import { expect, test } from "bun:test";
import { renderBeforeAfter } from "./report.ts";
import type { SideRun } from "./run.ts";

const run = (side: string, round: number, rps: number, postings: number): SideRun => ({
  side,
  revision: side === "before" ? "aaaaaaa" : "bbbbbbb",
  round,
  startedAt: "2026-11-29T00:00:00.000Z",
  loadAverage: [0.5, 0.5, 0.5],
  // 10 s at `rps`: CPU seconds = ms per request × requests / 1000.
  paths: [
    {
      label: "gateway",
      served: rps * 10,
      throughput: rps,
      cpuS: { postings: (postings * rps * 10) / 1000, gateway: (0.25 * rps * 10) / 1000 },
    },
  ],
  memory: { byProcess: { postings: 100 * 1024, jaeger: 50 * 1024 }, idleCpu: {}, runnerKib: 0, idle: true },
});

const runs = [
  run("before", 1, 700, 0.8),
  run("after", 1, 1000, 0.5),
  run("after", 2, 1100, 0.4),
  run("before", 2, 650, 0.9),
  run("before", 3, 720, 0.7),
  run("after", 3, 900, 0.45),
];

test("medians and ranges per side and path, busiest process first, and the memory totals", () => {
  const text = renderBeforeAfter(runs, { started: "2026-11-29T00:00:00.000Z", rounds: 3, seconds: 10 });
  expect(text).toStartWith("## Before / after");
  expect(text).toContain("| path | side | req/s | CPU ms / request | postings | gateway |");
  // before: rps 650/700/720, total CPU 0.95/1.05/1.15; after: 900/1000/1100, 0.65/0.70/0.75.
  expect(text).toContain("| gateway | before | 700 [650–720] | 1.050 [0.950–1.150] | 0.800 | 0.250 |");
  expect(text).toContain("| gateway | after | 1000 [900–1100] | 0.700 [0.650–0.750] | 0.450 | 0.250 |");
  expect(text).toContain("| before | 100 | 50 | **150 [150–150]** |");
});
