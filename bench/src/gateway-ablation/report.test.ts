import { expect, test } from "bun:test";
import { clockTicksPerSecond } from "../proc-stats.ts";
import { sampleThreads, threadCpuBy } from "../thread-stats.ts";
import { envoyThreadGroup, renderKernelTable, renderPlaceTable, renderReading, renderThreadTable, type VariantResult } from "./report.ts";

test("Envoy's threads: the one whose id is the process id is main, wrk:worker_N are workers", () => {
  expect(envoyThreadGroup(10, { pid: 10, name: "envoy" })).toBe("main");
  expect(envoyThreadGroup(11, { pid: 10, name: "wrk:worker_1" })).toBe("workers");
  expect(envoyThreadGroup(12, { pid: 10, name: "envoy" })).toBe("other threads");
  expect(envoyThreadGroup(13, { pid: 10, name: "GrpcGoogClient" })).toBe("other threads");
});

test("threads grouped by a rule: this process's main thread is apart from its others", () => {
  const hz = clockTicksPerSecond();
  const before = sampleThreads([process.pid]);
  const after = sampleThreads([process.pid]);
  const main = after.get(process.pid);
  if (!main) throw new Error("no main thread listed");
  after.set(process.pid, { ...main, user: main.user + hz, system: main.system + hz / 2 });
  const rows = threadCpuBy(before, after, (tid, t) => (tid === t.pid ? "main" : "other"));
  expect(rows[0]?.name).toBe("main");
  expect(rows[0]?.userS).toBeGreaterThanOrEqual(1);
  expect(rows[0]?.systemS).toBeGreaterThanOrEqual(0.5);
});

const run = (ms: number, workersUserS: number, workersKernelS: number) => ({
  envoyMsPerRequest: ms,
  throughput: 1000,
  requests: 1000,
  pssMib: 40,
  threads: [
    { name: "workers", userS: workersUserS, systemS: workersKernelS },
    { name: "main", userS: 0.001, systemS: 0 },
  ],
});

const results: VariantResult[] = [
  {
    name: "as configured",
    runs: [run(0.2, 0.15, 0.05), run(0.3, 0.2, 0.1), run(0.25, 0.18, 0.07)],
    perf: {
      samples: 100,
      places: [
        { space: "user", where: "envoy", doing: "", samples: 60 },
        { space: "kernel", where: "epoll", doing: "scheduler (switching threads)", samples: 30 },
        { space: "kernel", where: "send (writev, sendto, …)", doing: "loopback delivery (the receiver's TCP path)", samples: 10 },
      ],
    },
  },
  { name: "TCP relay", runs: [run(0.1, 0.04, 0.06)] },
];

test("the thread table gives medians of ms per request by thread group, user / kernel, and the kernel share", () => {
  const table = renderThreadTable(results);
  // 1000 requests: 0.18 s of worker user time is 0.180 ms per request (the median of 0.15, 0.2, 0.18).
  expect(table).toContain("| as configured | 0.250 [0.200–0.300] | 1000 | 0.001 / 0.000 | 0.180 / 0.070 | 0.000 / 0.000 | 28 % | 40 |");
  expect(table).toContain("| TCP relay | 0.100 [0.100–0.100] | 1000 | 0.001 / 0.000 | 0.040 / 0.060 | 0.000 / 0.000 | 59 % | 40 |");
});

test("perf tables turn shares of samples into ms per request of that variant, profiled variants only", () => {
  const places = renderPlaceTable(results);
  expect(places.split("\n")[0]).toBe("| gateway variant | samples | user: envoy | kernel: epoll | kernel: send (writev, sendto, …) |");
  // 60 % of the median 0.25 ms.
  expect(places).toContain("| as configured | 100 | 0.150 | 0.075 | 0.025 |");
  expect(places).not.toContain("TCP relay");
  const kernel = renderKernelTable(results);
  expect(kernel).toContain("| as configured | 100 | 0.075 | 0.025 |");
});

test("the reading names each difference of medians, only for variants that ran", () => {
  const reading = renderReading([
    { name: "as configured", runs: [run(0.3, 0.2, 0.05)] },
    { name: "without tracing", runs: [run(0.25, 0.2, 0.05)] },
    { name: "TCP relay", runs: [run(0.08, 0.02, 0.05)] },
    { name: "bare HTTP proxy (diagnostic)", runs: [run(0.2, 0.15, 0.05)] },
  ]);
  expect(reading).toContain("(TCP relay): 0.080 ms per request, 0.050 of it in the kernel.");
  expect(reading).toContain("(bare HTTP proxy − TCP relay): 0.120 ms.");
  expect(reading).toContain("- tracing (as configured − without tracing): 0.050 ms.");
  expect(reading).not.toContain("access log");
  expect(reading).not.toContain("worker per core");
});

test("worker per core is read round by round against its counterpart", () => {
  const reading = renderReading([
    { name: "as configured", runs: [run(0.3, 0, 0), run(0.2, 0, 0), run(0.4, 0, 0)] },
    { name: "worker per core: as configured", runs: [run(0.33, 0, 0), run(0.18, 0, 0), run(0.44, 0, 0)] },
  ]);
  expect(reading).toContain("per-round ratio worker per core ÷ stack's 1.10 [0.90–1.10], the stack's setting lower in 2 of 3 rounds.");
});
