import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadResult, RequestSpec } from "../load-generator.ts";
import { assertLocal, childCpuSeconds, type GeneratorRun } from "./generator-run.ts";

/** What `vegeta report -type=json` prints (times in ns). */
type VegetaReport = {
  latencies: { "50th": number; "99th": number };
  duration: number;
  wait: number;
  requests: number;
  throughput: number;
  success: number;
  status_codes: Record<string, number>;
};

export function parseVegetaReport(label: string, json: string): LoadResult {
  const r = JSON.parse(json) as VegetaReport;
  // success is the share of responses with a 2xx/3xx status; a transport error counts as code 0.
  const ok = Math.round(r.success * r.requests);
  const durationS = (r.duration + r.wait) / 1e9;
  return {
    label,
    sent: r.requests,
    ok,
    errors: r.requests - ok,
    durationS,
    throughput: r.throughput,
    medianMs: r.latencies["50th"] / 1e6,
    p99Ms: r.latencies["99th"] / 1e6,
  };
}

/** vegeta's JSON target format: one object per line, headers as lists, the body base64-encoded. */
export function vegetaTarget(spec: RequestSpec): string {
  assertLocal(spec.url);
  return JSON.stringify({
    method: spec.method ?? "GET",
    url: spec.url,
    header: Object.fromEntries(Object.entries(spec.headers ?? {}).map(([k, v]) => [k, [v]])),
    ...(spec.body === undefined ? {} : { body: Buffer.from(spec.body).toString("base64") }),
  });
}

export type VegetaOptions = {
  /** Requests per second, open loop; 0 = as fast as `workers` can go (closed loop). */
  rate: number;
  durationS: number;
  warmupS?: number;
  /** Closed loop only: how many requests are in flight at once. */
  workers?: number;
};

type Attack = { stdout: string; cpuS: number };

async function exec(cmd: string[]): Promise<{ stdout: string; proc: Bun.Subprocess }> {
  const proc = Bun.spawn(cmd, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`${cmd.slice(0, 2).join(" ")} exited with ${code}: ${stderr.trim()}`);
  return { stdout, proc };
}

/**
 * One attack: the targets are written to a file first (so producing them costs nothing during the
 * measured window) and read lazily, one per request in order; the results go to a file that
 * `vegeta report` summarises after the attack, so only the attack's own CPU is the generator's.
 */
async function attack(
  vegeta: string,
  targets: string[],
  o: { rate: number; seconds: number; workers?: number; lazy: boolean },
): Promise<Attack> {
  const dir = mkdtempSync(join(tmpdir(), "msa-board-vegeta-"));
  try {
    const targetFile = join(dir, "targets.jsonl");
    const results = join(dir, "results.bin");
    writeFileSync(targetFile, `${targets.join("\n")}\n`);
    const pace = o.rate > 0 ? [`-rate=${o.rate}/1s`] : ["-rate=0", `-workers=${o.workers ?? 16}`, `-max-workers=${o.workers ?? 16}`];
    const run = await exec([
      vegeta,
      "attack",
      "-format=json",
      ...(o.lazy ? ["-lazy"] : []),
      `-targets=${targetFile}`,
      ...pace,
      `-duration=${o.seconds}s`,
      "-timeout=10s",
      // Response bodies are not needed: keeping them would write every body into the results file.
      "-max-body=0",
      `-output=${results}`,
    ]);
    const cpuS = childCpuSeconds(run.proc);
    const report = await exec([vegeta, "report", "-type=json", results]);
    return { stdout: report.stdout, cpuS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Open loop at a constant rate: request i goes out at start + i/rate whether or not earlier ones
 * have answered (vegeta adds workers as needed), so a server that falls behind shows its queue in
 * p99 rather than slowing the generator down. `next(i)` is the i-th request, sent in order.
 * A separate warm-up attack first, left out of the numbers.
 */
export async function vegetaRate(
  vegeta: string,
  label: string,
  next: (i: number) => RequestSpec,
  { rate, durationS, warmupS = 1 }: Omit<VegetaOptions, "workers">,
): Promise<GeneratorRun> {
  if (!(rate > 0)) throw new Error("vegetaRate needs a rate above 0");
  let i = 0;
  const targets = (seconds: number) => Array.from({ length: Math.ceil(rate * seconds) + 1 }, () => vegetaTarget(next(i++)));
  if (warmupS > 0) await attack(vegeta, targets(warmupS), { rate, seconds: warmupS, lazy: true });
  const run = await attack(vegeta, targets(durationS), { rate, seconds: durationS, lazy: true });
  return { ...parseVegetaReport(label, run.stdout), generatorCpuS: run.cpuS };
}

/** Closed loop with vegeta: `workers` requests in flight, each sent when one answers (rate 0); the one request repeated. */
export async function vegetaSaturate(
  vegeta: string,
  label: string,
  spec: RequestSpec,
  { workers, durationS, warmupS = 1 }: { workers: number; durationS: number; warmupS?: number },
): Promise<GeneratorRun> {
  const targets = [vegetaTarget(spec)];
  if (warmupS > 0) await attack(vegeta, targets, { rate: 0, workers, seconds: warmupS, lazy: false });
  const run = await attack(vegeta, targets, { rate: 0, workers, seconds: durationS, lazy: false });
  return { ...parseVegetaReport(label, run.stdout), generatorCpuS: run.cpuS };
}
