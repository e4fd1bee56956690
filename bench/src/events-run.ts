/**
 * The events measurements alone, on a throw-away traced stack: idle lag once, then `--runs` bursts
 * of `--burst` outbox rows (relay and end-to-end events/s), with the load average beside each.
 *   bun run src/events-run.ts [--burst 10000] [--runs 3] [--lag-count 1000]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Stack } from "@msa-board/stack";
import { testConfig } from "@msa-board/stack/config";
import { ensureTools } from "@msa-board/stack/tools";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import { measureBurst, measureIdleLag } from "./events.ts";

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    burst: { type: "string", default: "10000" },
    runs: { type: "string", default: "3" },
    "lag-count": { type: "string", default: "1000" },
  },
});
const TICK_MS = 10; // USER_HZ = 100 on Linux

/** utime + stime (ms) of every live process, with its parent, from /proc. */
function processTable(): Map<number, { ppid: number; cpuMs: number }> {
  const table = new Map<number, { ppid: number; cpuMs: number }>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      table.set(Number(entry), { ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** CPU ms of each stack process and its live descendants (PostgreSQL's backends), by process name. */
function cpuByProcess(stack: Stack): Map<string, number> {
  const table = processTable();
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const total = (pid: number): number => (table.get(pid)?.cpuMs ?? 0) + (children.get(pid) ?? []).reduce((sum, c) => sum + total(c), 0);
  const result = new Map<string, number>();
  for (const p of stack.status().processes) if (p.pid) result.set(p.name, total(p.pid));
  result.set("bench (this process)", Math.round(process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000));
  return result;
}

function cpuPerEvent(before: Map<string, number>, after: Map<string, number>, events: number): string {
  const parts = [...after]
    .map(([name, ms]) => [name, (ms - (before.get(name) ?? 0)) / events] as const)
    .filter(([, perEvent]) => perEvent >= 0.005)
    .sort((a, b) => b[1] - a[1]);
  const sum = parts.reduce((s, [, v]) => s + v, 0);
  return `CPU ms/event ${sum.toFixed(2)}: ${parts.map(([name, v]) => `${name} ${v.toFixed(2)}`).join(" · ")}`;
}

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

const tools = await ensureTools();
await prepareWorkspace(tools);
const dir = mkdtempSync(join(tmpdir(), "msa-board-events-"));
const stack = new Stack(await testConfig(dir), tools);
try {
  await stack.start(() => {});
  // A first small burst warms up both services (JIT, connections, plans); it is not reported.
  await measureBurst(stack, { burst: 500 });
  for (let run = 1; run <= Number(args.runs); run++) {
    const before = cpuByProcess(stack);
    const r = await measureBurst(stack, { burst: Number(args.burst) });
    const after = cpuByProcess(stack);
    console.log(
      `burst ${run}: ${r.relayEvents} events, relay ${r.relayPerSecond.toFixed(0)} ev/s, end to end ${r.endToEndPerSecond.toFixed(0)} ev/s (load ${loadAverage()})`,
    );
    console.log(`  ${cpuPerEvent(before, after, r.relayEvents)}`);
  }
  const lagCount = Number(args["lag-count"]);
  if (lagCount > 0) {
    const lag = await measureIdleLag(stack, { count: lagCount });
    console.log(`idle lag: ${lag.lagEvents} events, p50 ${lag.lagP50Ms} ms, p99 ${lag.lagP99Ms} ms (load ${loadAverage()})`);
  }
} finally {
  await stack.stop(() => {});
  rmSync(dir, { recursive: true, force: true });
}
