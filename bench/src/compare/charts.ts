import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { IsolationRun } from "./isolation.ts";
import type { ShapeRun } from "./measure.ts";
import { cpuPerThousand, labelOf, memoryMiB, SHAPE_ORDER } from "./summary.ts";

/** Charts drawn by Vega-Lite, rendered to SVG headless (no browser, no canvas). */

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const shapeColor = {
  field: "shape",
  type: "nominal",
  title: "shape",
  scale: { domain: SHAPE_ORDER, range: ["#d1495b", "#00798c"] },
} as const;

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  return view.toSVG();
}

function latencySpec(results: ShapeRun[]): TopLevelSpec {
  const values = results.flatMap((r) =>
    r.steps.flatMap((s) => [
      { shape: r.shape, run: r.run, rate: s.rate, percentile: "p50", ms: s.medianMs },
      { shape: r.shape, run: r.run, rate: s.rate, percentile: "p99", ms: s.p99Ms },
    ]),
  );
  const x = { field: "rate", type: "quantitative", title: "offered load (req/s, board mix)" } as const;
  const y = { field: "ms", type: "quantitative", title: "latency (ms, log)", scale: { type: "log" } } as const;
  return {
    $schema: SCHEMA,
    title: "Latency vs offered load: each run (dots), median of runs (lines); 100 ms line",
    width: 560,
    height: 320,
    data: { values },
    layer: [
      {
        mark: { type: "line", point: false },
        encoding: { x, y: { ...y, aggregate: "median" }, color: shapeColor, strokeDash: { field: "percentile", type: "nominal" } },
      },
      {
        mark: { type: "point", opacity: 0.5, size: 25 },
        encoding: { x, y, color: shapeColor, shape: { field: "percentile", type: "nominal" } },
      },
      {
        data: { values: [{ ms: 100 }] },
        mark: { type: "rule", strokeDash: [2, 2], color: "#555" },
        encoding: { y: { field: "ms", type: "quantitative" } },
      },
    ],
  } as TopLevelSpec;
}

function throughputSpec(results: ShapeRun[]): TopLevelSpec {
  const values = results.flatMap((r) => r.steps.map((s) => ({ shape: r.shape, run: r.run, rate: s.rate, throughput: s.throughput })));
  const x = { field: "rate", type: "quantitative", title: "offered load (req/s)" } as const;
  return {
    $schema: SCHEMA,
    title: "Served vs offered: successful requests per second",
    width: 560,
    height: 280,
    data: { values },
    layer: [
      {
        mark: "line",
        encoding: {
          x,
          y: { field: "throughput", aggregate: "median", type: "quantitative", title: "served (ok req/s)" },
          color: shapeColor,
        },
      },
      { mark: { type: "point", opacity: 0.5 }, encoding: { x, y: { field: "throughput", type: "quantitative" }, color: shapeColor } },
    ],
  } as TopLevelSpec;
}

function cpuSpec(results: ShapeRun[]): TopLevelSpec {
  const values = SHAPE_ORDER.flatMap((shape) =>
    Object.entries(cpuPerThousand(results, shape)).map(([p, seconds]) => ({ shape, process: labelOf(p), seconds })),
  );
  return {
    $schema: SCHEMA,
    title: "CPU seconds per 1,000 requests, by process (median of runs)",
    width: 300,
    height: 300,
    data: { values },
    mark: "bar",
    encoding: {
      x: { field: "shape", type: "nominal", sort: SHAPE_ORDER, title: null },
      y: { field: "seconds", type: "quantitative", title: "CPU s / 1,000 requests" },
      color: { field: "process", type: "nominal", scale: { scheme: "tableau10" } },
      tooltip: [{ field: "process" }, { field: "seconds", format: ".2f" }],
    },
  } as TopLevelSpec;
}

function memorySpec(results: ShapeRun[]): TopLevelSpec {
  const values = SHAPE_ORDER.flatMap((shape) =>
    (["idle", "load"] as const).flatMap((state) =>
      Object.entries(memoryMiB(results, shape, state)).map(([p, mib]) => ({
        shape,
        state: state === "idle" ? "idle" : "under load",
        process: labelOf(p),
        mib,
      })),
    ),
  );
  return {
    $schema: SCHEMA,
    title: "Memory (Σ PSS, MiB) by process, idle and under load (median of runs)",
    data: { values },
    mark: "bar",
    width: 200,
    height: 300,
    encoding: {
      column: { field: "state", type: "nominal", title: null },
      x: { field: "shape", type: "nominal", sort: SHAPE_ORDER, title: null },
      y: { field: "mib", type: "quantitative", title: "MiB" },
      color: { field: "process", type: "nominal", scale: { scheme: "tableau10" } },
    },
  } as TopLevelSpec;
}

/** p99 of each route before (circle) and during (triangle) each fault in notices, per shape. */
function isolationSpec(runs: IsolationRun[]): TopLevelSpec {
  const values = runs.flatMap((r) =>
    r.windows.map((w) => ({
      fault: r.fault,
      shape: r.shape,
      route: w.route.replace(/ \(.*\)$/, ""),
      window: w.window,
      // A window where nothing succeeded has no latency to plot.
      p99: Number.isFinite(w.result.p99Ms) ? Math.max(w.result.p99Ms, 0.1) : null,
      ok: Math.round((100 * w.result.ok) / Math.max(1, w.result.sent)),
    })),
  );
  return {
    $schema: SCHEMA,
    title: "Failure isolation: p99 per route before and during a fault in notices",
    data: { values },
    facet: {
      row: {
        field: "fault",
        type: "nominal",
        title: null,
        header: { labelAngle: 0, labelOrient: "top", labelAnchor: "start", labelFontWeight: "bold" },
      },
    },
    spec: {
      width: 420,
      height: 120,
      mark: { type: "point", filled: true, size: 70 },
      encoding: {
        x: { field: "route", type: "nominal", title: null, axis: { labelAngle: 0 } },
        xOffset: { field: "shape", type: "nominal", sort: SHAPE_ORDER },
        y: { field: "p99", type: "quantitative", title: "p99 (ms, log)", scale: { type: "log" } },
        color: shapeColor,
        shape: { field: "window", type: "nominal", title: "window", scale: { range: ["circle", "triangle-up"] } },
        tooltip: [{ field: "shape" }, { field: "window" }, { field: "p99", format: ".1f" }, { field: "ok", title: "% ok" }],
      },
    },
  } as TopLevelSpec;
}

/** Writes the charts as SVG next to the raw runs (isolation's when there are isolation runs); returns their paths. */
export async function writeCharts(results: ShapeRun[], dir: string, isolation: IsolationRun[] = []): Promise<string[]> {
  const charts: Array<[string, TopLevelSpec]> = [
    ["compare-latency.svg", latencySpec(results)],
    ["compare-throughput.svg", throughputSpec(results)],
    ["compare-cpu.svg", cpuSpec(results)],
    ["compare-memory.svg", memorySpec(results)],
    ...(isolation.length > 0 ? [["compare-isolation.svg", isolationSpec(isolation)] as [string, TopLevelSpec]] : []),
  ];
  const written: string[] = [];
  for (const [name, spec] of charts) {
    const path = join(dir, name);
    writeFileSync(path, await renderSvg(spec));
    written.push(path);
  }
  return written;
}
