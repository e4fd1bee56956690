import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadResult } from "../load-generator.ts";
import { writeCharts } from "./charts.ts";
import { FAULTS, type IsolationRun } from "./isolation.ts";
import type { ShapeRun } from "./measure.ts";
import { renderComparison } from "./report.ts";
import { renderVerdict } from "./verdict.ts";

const result = (p99Ms: number, ok = 100): LoadResult => ({
  label: "x",
  sent: 100,
  ok,
  errors: 100 - ok,
  durationS: 10,
  throughput: ok / 10,
  medianMs: p99Ms / 2,
  p99Ms,
});

/** Every fault in both shapes; the CPU hog slows the monolith's other routes, as the talk says it would. */
const runs: IsolationRun[] = FAULTS.flatMap((fault) =>
  (["microservices", "monolith"] as const).map((shape) => {
    const hogged = shape === "monolith" && fault.includes("CPU");
    return {
      shape,
      fault,
      windows: ["GET /postings", "POST /login", "GET /notice (the faulty module)"].flatMap((route) => [
        { route, window: "before" as const, result: result(10) },
        { route, window: "during fault" as const, result: result(hogged ? 45 : 12) },
      ]),
    };
  }),
);

describe("compare: failure isolation in the report and the charts", () => {
  test("the table has every fault — killed, Redis gone, slow and CPU-hogging handlers — in both shapes", () => {
    const section = renderComparison([], { rates: [50], stepSeconds: 1, warmupSeconds: 1, costRate: 1, costSeconds: 1 }, [], runs, "now");
    for (const fault of FAULTS) expect(section).toContain(`| ${fault} | GET /postings | 100 % ok, p99 10.0 ms | 100 % ok, p99 12.0 ms |`);
    expect(section).toContain(
      "| notices handler CPU-hogging (20 ms CPU/request) | GET /postings | 100 % ok, p99 10.0 ms | 100 % ok, p99 12.0 ms | 100 % ok, p99 10.0 ms | 100 % ok, p99 45.0 ms |",
    );
    expect(section).not.toContain("Not measured yet");
    const withCpu = runs.map((r) =>
      r.fault.includes("CPU")
        ? { ...r, hostCpuSeconds: { process: r.shape === "monolith" ? "monolith" : "notices", before: 0.5, during: 2.6 } }
        : r,
    );
    expect(
      renderComparison([], { rates: [50], stepSeconds: 1, warmupSeconds: 1, costRate: 1, costSeconds: 1 }, [], withCpu, "now"),
    ).toContain("| notices handler CPU-hogging (20 ms CPU/request) | monolith | monolith | 0.50 | 2.60 |");
  });

  test("an isolation chart (SVG, drawn by Vega-Lite) joins the others when there are isolation runs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "compare-charts-"));
    try {
      expect((await writeCharts([], dir)).map((c) => c.slice(dir.length + 1))).not.toContain("compare-isolation.svg");
      const written = await writeCharts([], dir, runs);
      expect(written.map((c) => c.slice(dir.length + 1))).toContain("compare-isolation.svg");
      const svg = readFileSync(join(dir, "compare-isolation.svg"), "utf8");
      expect(svg).toStartWith("<svg");
      expect(svg).toContain("notices handler CPU-hogging (20 ms CPU/request)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** One load run per shape, enough for the closing section to be drawn. */
const loadRuns: ShapeRun[] = (["microservices", "monolith"] as const).map((shape) => ({
  shape,
  run: 1,
  startedAt: "now",
  loadAverage: [1, 1, 1],
  steps: [{ ...result(10), rate: 25 }],
  cost: { rate: 25, seconds: 10, ok: 250, cpuSeconds: { gateway: 1 } },
  memoryMiB: { idle: { gateway: 50 }, load: { gateway: 60 } },
}));

/** The CPU-hog runs with GET /postings' p99 before → during, per shape. */
const hogRuns = (m: [number, number], n: [number, number]): IsolationRun[] =>
  runs.map((r) => {
    if (!r.fault.includes("CPU")) return r;
    const [before, during] = r.shape === "microservices" ? m : n;
    return {
      ...r,
      windows: r.windows.map((w) => (w.route === "GET /postings" ? { ...w, result: result(w.window === "before" ? before : during) } : w)),
    };
  });

describe("compare: the CPU-hog verdict follows the numbers", () => {
  test("the monolith's other routes slowed, the microservices' did not: the microservices win it", () => {
    const text = renderVerdict(loadRuns, hogRuns([10, 12], [10, 45])).join("\n");
    expect(text).toContain(
      "**A CPU-hogging module: the microservices.** With each notices request burning 20 ms of CPU, GET /postings' p99 went from 10 to 12 ms in the microservices and from 10 to 45 ms in the monolith",
    );
  });

  test("noise larger than the effect (nothing rose): no winner is claimed", () => {
    const text = renderVerdict(loadRuns, hogRuns([330, 250], [132, 131])).join("\n");
    expect(text).toContain("**A CPU-hogging module: not separated by this run");
    expect(text).not.toContain("**A CPU-hogging module: the microservices.**");
  });
});
