import { clockTicksPerSecond, sampleTrees } from "../proc-stats.ts";
import type { SideStack } from "./side.ts";

/** One closed-loop wrk run and what every process spent on it. */
export type PathRun = {
  path: string;
  requests: number;
  requestsPerSecond: number;
  /** CPU milliseconds per request, by process tree; `runner` is this process (it supervises the stack and takes its logs), `wrk` the load generator. */
  cpuMsPerRequest: Record<string, number>;
};

function wrkBinary(): string {
  const found = Bun.which("wrk");
  if (!found) throw new Error("wrk is not installed: `apt-get install wrk` (Debian), or run `npm run bench` once, which installs it");
  return found;
}

/** wrk's summary: requests done and the rate. */
export function parseWrk(output: string): { requests: number; requestsPerSecond: number } {
  const requests = /(\d+) requests in/.exec(output);
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (!requests || !rate) throw new Error(`unexpected wrk output:\n${output}`);
  return { requests: Number(requests[1]), requestsPerSecond: Number(rate[1]) };
}

async function wrk(url: string, seconds: number): Promise<{ output: string; cpuMs: number }> {
  const child = Bun.spawn([wrkBinary(), "-t1", "-c16", `-d${seconds}s`, url], { stdout: "pipe", stderr: "pipe" });
  const output = await new Response(child.stdout).text();
  if ((await child.exited) !== 0) throw new Error(`wrk failed: ${await new Response(child.stderr).text()}`);
  const usage = child.resourceUsage();
  const cpuMs = usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1000 : Number.NaN;
  return { output, cpuMs };
}

const roots = (stack: SideStack) => Object.fromEntries([...stack.processes.values()].map((p) => [p.name, p.pid]));

/** `GET /postings?limit=20` with 16 connections for `seconds`, after a warm-up: CPU of every process per request. */
export async function measurePath(stack: SideStack, path: string, url: string, seconds: number): Promise<PathRun> {
  await wrk(url, 3);
  const hz = clockTicksPerSecond();
  const before = sampleTrees(roots(stack));
  const runnerBefore = process.cpuUsage();
  const { output, cpuMs } = await wrk(url, seconds);
  const runner = process.cpuUsage(runnerBefore);
  const after = sampleTrees(roots(stack));
  const { requests, requestsPerSecond } = parseWrk(output);
  const cpuMsPerRequest: Record<string, number> = {};
  for (const [name, end] of Object.entries(after)) {
    const start = before[name];
    if (start) cpuMsPerRequest[name] = ((end.cpuTicks - start.cpuTicks) * 1000) / hz / requests;
  }
  cpuMsPerRequest.runner = (runner.user + runner.system) / 1000 / requests;
  cpuMsPerRequest.wrk = cpuMs / requests;
  return { path, requests, requestsPerSecond, cpuMsPerRequest };
}
