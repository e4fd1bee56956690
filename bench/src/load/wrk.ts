import { join } from "node:path";
import type { LoadResult, RequestSpec } from "../load-generator.ts";
import { assertLocal, childCpuSeconds, type GeneratorRun } from "./generator-run.ts";

export type WrkOptions = { connections: number; durationS: number; warmupS?: number };

/** The JSON line `wrk-report.lua` prints in `done` (times in µs). */
type WrkSummary = {
  durationUs: number;
  requests: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  p50Us: number;
  p99Us: number;
};

const REPORTER = join(import.meta.dir, "wrk-report.lua");

/** wrk's own summary comes first; the reporter's JSON is the last line that parses as one. */
export function parseWrkOutput(label: string, stdout: string): LoadResult {
  const line = stdout
    .trim()
    .split("\n")
    .reverse()
    .find((l) => l.startsWith("{"));
  if (!line) throw new Error(`wrk printed no summary line (was it run with -s wrk-report.lua?):\n${stdout}`);
  const s = JSON.parse(line) as WrkSummary;
  const e = s.errors;
  // `requests` counts every completed response; a 4xx/5xx is also counted in errors.status.
  // Socket errors and timeouts never completed, so they are added to what was sent.
  const failed = e.connect + e.read + e.write + e.timeout;
  const ok = s.requests - e.status;
  const durationS = s.durationUs / 1e6;
  return {
    label,
    sent: s.requests + failed,
    ok,
    errors: e.status + failed,
    durationS,
    throughput: ok / durationS,
    medianMs: s.p50Us / 1000,
    p99Ms: s.p99Us / 1000,
  };
}

async function wrkOnce(wrk: string, spec: RequestSpec, connections: number, seconds: number): Promise<{ stdout: string; cpuS: number }> {
  const headers = Object.entries(spec.headers ?? {}).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
  const proc = Bun.spawn(
    // wrk takes whole seconds only.
    [wrk, "-t1", `-c${connections}`, `-d${Math.max(1, Math.round(seconds))}s`, "--timeout", "10s", "-s", REPORTER, ...headers, spec.url],
    {
      env: { ...process.env, WRK_METHOD: spec.method ?? "GET", WRK_BODY: spec.body ?? "" },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${stderr.trim() || stdout.trim()}`);
  return { stdout, cpuS: childCpuSeconds(proc) };
}

/**
 * Closed loop: `connections` connections on one wrk thread, each sending its next request as soon as
 * the last one answered — the highest throughput the system sustains. A separate warm-up run first
 * (wrk has no warm-up of its own), so JIT, pools and caches are warm when the measured run starts.
 */
export async function wrkSaturate(wrk: string, label: string, spec: RequestSpec, o: WrkOptions): Promise<GeneratorRun> {
  assertLocal(spec.url);
  const warmupS = o.warmupS ?? 1;
  if (warmupS > 0) await wrkOnce(wrk, spec, o.connections, warmupS);
  const run = await wrkOnce(wrk, spec, o.connections, o.durationS);
  return { ...parseWrkOutput(label, run.stdout), generatorCpuS: run.cpuS };
}
