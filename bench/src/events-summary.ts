import { medianRange } from "./spread.ts";

/** One timed burst: throughput and the CPU milliseconds per event of each process tree. */
export type BurstRun = {
  side: string;
  round: number;
  relayPerSecond: number;
  endToEndPerSecond: number;
  cpuMsPerEvent: Record<string, number>;
  load: string;
};

const cell = medianRange;

/** Per side (in the order they first ran): median [min–max] of relay and end-to-end events/s and of the two busiest trees' CPU per event. */
export function renderBurstSummary(runs: BurstRun[], burst: number): string {
  const sides = [...new Set(runs.map((r) => r.side))];
  const busiest = new Map<string, number>();
  for (const r of runs) for (const [name, ms] of Object.entries(r.cpuMsPerEvent)) busiest.set(name, (busiest.get(name) ?? 0) + ms);
  const columns = [...busiest.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name]) => name);
  const lines = [
    `${burst.toLocaleString("en")}-row bursts, median [min–max] of ${Math.max(...sides.map((s) => runs.filter((r) => r.side === s).length))} runs per side:`,
    "",
    `| side | relay ev/s | end to end ev/s | ${columns.map((c) => `${c} CPU ms/event`).join(" | ")} |`,
    `|---|---|---|${columns.map(() => "---|").join("")}`,
  ];
  for (const side of sides) {
    const mine = runs.filter((r) => r.side === side);
    const cpu = columns.map((c) =>
      cell(
        mine.map((r) => r.cpuMsPerEvent[c] ?? 0),
        3,
      ),
    );
    lines.push(
      `| ${side} | ${cell(
        mine.map((r) => r.relayPerSecond),
        0,
      )} | ${cell(
        mine.map((r) => r.endToEndPerSecond),
        0,
      )} | ${cpu.join(" | ")} |`,
    );
  }
  return lines.join("\n");
}
