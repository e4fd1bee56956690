import { describe, expect, test } from "bun:test";
import { type CpuCase, generatorRow, RUNNER, renderCpuTable } from "./cpu-table.ts";
import { renderGeneratorCost } from "./generator-cost.ts";
import { renderMemoryTable } from "./memory-table.ts";

const cells = (table: string, rowName: string) =>
  table
    .split("\n")
    .find((l) => l.startsWith(`| ${rowName} |`))
    ?.split("|")
    .slice(2, -1)
    .map((c) => c.trim());

describe("where the CPU goes", () => {
  const wrk = generatorRow("wrk -t1 -c16");
  const cases: CpuCase[] = [
    { label: "direct", served: 10_000, throughput: 1000, cpuS: { postings: 6.5, postgres: 2.5, [RUNNER]: 0.5, [wrk]: 1 } },
    { label: "gateway", served: 5_000, throughput: 500, cpuS: { postings: 4, gateway: 2.5, postgres: 1.5, [RUNNER]: 1, [wrk]: 0.5 } },
  ];
  const table = renderCpuTable(cases);

  test("CPU seconds become milliseconds per request served, per case", () => {
    expect(table.split("\n")[0]).toBe("| CPU ms per request, by process | direct | gateway |");
    expect(cells(table, "postings")).toEqual(["0.65", "0.80"]);
    expect(cells(table, wrk)).toEqual(["0.10", "0.10"]);
  });

  test("a process missing from a case shows a dash, not a zero", () => {
    expect(cells(table, "gateway")).toEqual(["–", "0.50"]);
  });

  test("the stack's processes by cost first, the runner and the generator last, then total and throughput", () => {
    const names = table
      .split("\n")
      .slice(2)
      .map((l) => l.split("|")[1]?.trim());
    expect(names).toEqual(["postings", "gateway", "postgres", RUNNER, wrk, "**total**", "throughput (req/s)"]);
    expect(cells(table, "**total**")).toEqual(["**1.05**", "**1.90**"]);
    expect(cells(table, "throughput (req/s)")).toEqual(["1000", "500"]);
  });
});

describe("memory", () => {
  test("PSS by process in MiB, biggest first, split by backing; the total against 600 MB; the bench process apart", () => {
    const split = (anon: number, file: number, shmem: number) => ({ anonKib: anon * 1024, fileKib: file * 1024, shmemKib: shmem * 1024 });
    const table = renderMemoryTable({
      byProcess: { postgres: 100 * 1024, jaeger: 450 * 1024, postings: 60 * 1024 },
      split: { postgres: split(30, 6, 64), jaeger: split(400, 50, 0), postings: split(50, 10, 0) },
      idleCpu: { postgres: 0.001, jaeger: 0.02, postings: 0.005 },
      runnerKib: 80 * 1024,
      idle: true,
    });
    const lines = table.split("\n");
    expect(lines[0]).toContain("at rest after the load");
    expect(lines.slice(2, 5).map((l) => l.split("|")[1]?.trim())).toEqual(["jaeger", "postgres", "postings"]);
    expect(cells(table, "jaeger")).toEqual(["450", "400", "50", "0", "2.0 %"]);
    // 600 MB = 572 MiB; 610 MiB is 38 over.
    expect(table).toContain("| **stack total** (goal ≤ 600 MB = 572 MiB: not met (38 MiB over)) | **610** | 480 | 66 | 64 | 2.6 % |");
    expect(cells(table, "bench process (stack runner + the bench; not in the total)")).toEqual(["80", "–", "–", "–", "–"]);
  });

  test("a stack under the goal says so, and a stack that never went idle is labelled", () => {
    const table = renderMemoryTable({ byProcess: { postgres: 100 * 1024 }, idleCpu: {}, runnerKib: 1, idle: false });
    expect(table).toContain("goal ≤ 600 MB = 572 MiB: met)");
    expect(table).toContain("did not settle");
    // A run recorded before the split was kept shows dashes in its place.
    expect(cells(table, "postgres")).toEqual(["100", "–", "–", "–", "–"]);
  });
});

test("the load generators' cost per request", () => {
  const run = { label: "x", sent: 2000, ok: 2000, errors: 0, durationS: 10, throughput: 200, medianMs: 1, p99Ms: 2, generatorCpuS: 0.5 };
  const table = renderGeneratorCost([{ generator: "vegeta", shape: "200 req/s, open loop", run }]);
  expect(table.split("\n")[2]).toBe("| vegeta | 200 req/s, open loop | 2000 | 200 req/s | 0.250 |");
});
