import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Where a traced request's JavaScript time goes: two Chrome CPU profiles (Bun's `--cpu-prof`) of the
 * traced and the untraced postings, each divided by the requests its process was sent, compared by
 * the package that owns the innermost JavaScript frame of each sample. Samples are counted, not
 * timed: the profiler's time deltas include the waits of a busy machine, its sample count does not.
 */

type Frame = { functionName: string; url: string; lineNumber: number };
type Node = { id: number; callFrame: Frame; children?: number[] };
export type CpuProfile = { nodes: Node[]; samples: number[]; startTime: number; endTime: number; timeDeltas: number[] };

/** Package groups, first match wins: what a reader can act on (our code, the SDK, its exporter, the libraries). */
const GROUPS: Array<[string, RegExp]> = [
  ["OpenTelemetry export (OTLP protobuf encoding, HTTP)", /@opentelemetry\/(otlp-|exporter-)/],
  ["OpenTelemetry SDK and API (spans, sampler, context)", /@opentelemetry\//],
  ["kit tracing (server span, SQL spans, propagation)", /service-kit\/src\/tracing\//],
  ["kit, other", /service-kit\/src\//],
  ["Hono", /\/hono[@/]|@hono\//],
  ["postgres.js", /\/postgres[@/]/],
  ["drizzle", /drizzle-orm/],
  ["node-redis", /@redis\//],
  ["zod", /\/zod[@/]/],
  ["postings' own code", /services\/postings\//],
  ["Bun's node: modules", /^node:/],
];

export const groupOf = (url: string) =>
  GROUPS.find(([, re]) => re.test(url))?.[0] ?? (url ? "other JavaScript" : "native, outside JavaScript");

/** The innermost frame with a script (a native leaf counts for the JavaScript that called it). */
function attribute(profile: CpuProfile): Map<number, { group: string; fn: string }> {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<number, { group: string; fn: string }>();
  for (const n of profile.nodes) {
    let at: Node | undefined = n;
    while (at && !at.callFrame.url) at = byId.get(parent.get(at.id) ?? -1);
    const leaf = n.callFrame;
    const url = at?.callFrame.url ?? "";
    const where = url
      .replace(/^file:\/\//, "")
      .replace(/.*node_modules\//, "")
      .replace(/.*\/(services|packages)\//, "$1/");
    out.set(n.id, {
      group: groupOf(url),
      fn: `${leaf.functionName || "(anonymous)"}${where ? ` · ${where}:${(at?.callFrame.lineNumber ?? 0) + 1}` : ""}`,
    });
  }
  return out;
}

export type SampleCounts = { total: number; byGroup: Map<string, number>; byFunction: Map<string, number> };

export function countSamples(profile: CpuProfile): SampleCounts {
  const attributed = attribute(profile);
  const byGroup = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const id of profile.samples) {
    const a = attributed.get(id);
    if (!a) continue;
    byGroup.set(a.group, (byGroup.get(a.group) ?? 0) + 1);
    byFunction.set(a.fn, (byFunction.get(a.fn) ?? 0) + 1);
  }
  return { total: profile.samples.length, byGroup, byFunction };
}

/** Samples per 1,000 requests, traced against untraced, by group and the functions that moved most. */
export function renderProfileDiff(
  traced: SampleCounts,
  tracedSent: number,
  untraced: SampleCounts,
  untracedSent: number,
  top = 20,
): string {
  const per = (n: number | undefined, sent: number) => ((n ?? 0) * 1000) / sent;
  const rows = (t: Map<string, number>, u: Map<string, number>) =>
    [...new Set([...t.keys(), ...u.keys()])]
      .map((k) => ({ k, t: per(t.get(k), tracedSent), u: per(u.get(k), untracedSent) }))
      .sort((a, b) => b.t - b.u - (a.t - a.u));
  const line = (r: { k: string; t: number; u: number }) => `| ${r.k} | ${r.u.toFixed(0)} | ${r.t.toFixed(0)} | ${(r.t - r.u).toFixed(0)} |`;
  const head = (what: string) => [`| ${what} | tracing off | traced | Δ |`, "|---|---:|---:|---:|"];
  return [
    `Samples of postings' JavaScript thread per 1,000 requests (about 1 ms each): ${per(untraced.total, untracedSent).toFixed(0)} untraced, ${per(traced.total, tracedSent).toFixed(0)} traced.`,
    "",
    ...head("by package of the innermost JavaScript frame"),
    ...rows(traced.byGroup, untraced.byGroup).map(line),
    "",
    ...head(`the ${top} functions that grew most (self samples)`),
    ...rows(traced.byFunction, untraced.byFunction).slice(0, top).map(line),
  ].join("\n");
}

/** The .cpuprofile and the request count `--cpu-prof` left in a side's directory (the profile is written as the process exits). */
export async function readSide(dir: string): Promise<{ counts: SampleCounts; sent: number }> {
  const deadline = Date.now() + 30_000;
  const find = () => readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  let file = find();
  while (!file && Date.now() < deadline) {
    await Bun.sleep(100);
    file = find();
  }
  if (!file) throw new Error(`no .cpuprofile in ${dir} after 30 s`);
  const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
  const { sent } = JSON.parse(readFileSync(join(dir, "requests.json"), "utf8")) as { sent: number };
  return { counts: countSamples(profile), sent };
}
