import { type PerfSummary, sharesBy } from "../perf-profile.ts";
import { median, medianRange } from "../spread.ts";
import type { ThreadCpu } from "../thread-stats.ts";

/** One measured run of one variant: Envoy's CPU from /proc, per thread group, and the load it carried. */
export type VariantRun = {
  envoyMsPerRequest: number;
  throughput: number;
  /** CPU seconds by thread group (main, workers, other threads), user and kernel. */
  threads: ThreadCpu[];
  requests: number;
  /** Envoy's proportional set size right after the window. */
  pssMib: number;
};

export type VariantResult = { name: string; runs: VariantRun[]; perf?: PerfSummary };

export const THREAD_GROUPS = ["main", "workers", "other threads"] as const;

/** Envoy's threads: the main thread (its id is the process id), `wrk:worker_N`, and the rest (watchdogs, gRPC, flushers). */
export const envoyThreadGroup = (tid: number, thread: { pid: number; name: string }): string =>
  tid === thread.pid ? "main" : thread.name.startsWith("wrk:worker_") ? "workers" : "other threads";

const ms = (seconds: number, requests: number) => (seconds * 1000) / Math.max(1, requests);
const f3 = (n: number) => n.toFixed(3);

/** Median over the runs of one thread group's user and kernel ms per request. */
function threadMs(runs: VariantRun[], group: string) {
  const of = (r: VariantRun) => r.threads.find((t) => t.name === group);
  return {
    user: median(runs.map((r) => ms(of(r)?.userS ?? 0, r.requests))),
    kernel: median(runs.map((r) => ms(of(r)?.systemS ?? 0, r.requests))),
  };
}

/** Per variant: Envoy's CPU per request, throughput, and that CPU by thread and user/kernel. */
export function renderThreadTable(results: VariantResult[]): string {
  const head = [
    "| gateway variant | Envoy CPU ms / request, median [min–max] | req/s, median | main user / kernel | workers user / kernel | other threads user / kernel | kernel share | PSS MiB |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const rows = results.map(({ name, runs }) => {
    const cells = THREAD_GROUPS.map((g) => {
      const t = threadMs(runs, g);
      return `${f3(t.user)} / ${f3(t.kernel)}`;
    });
    const kernel = median(
      runs.map(
        (r) =>
          r.threads.reduce((n, t) => n + t.systemS, 0) /
          Math.max(
            1e-9,
            r.threads.reduce((n, t) => n + t.userS + t.systemS, 0),
          ),
      ),
    );
    return `| ${name} | ${medianRange(
      runs.map((r) => r.envoyMsPerRequest),
      3,
    )} | ${median(runs.map((r) => r.throughput)).toFixed(0)} | ${cells.join(" | ")} | ${(kernel * 100).toFixed(0)} % | ${median(runs.map((r) => r.pssMib)).toFixed(0)} |`;
  });
  return [...head, ...rows].join("\n");
}

/** Column order: user space by object, then the kernel by system call, the commonest first. */
function columns(results: VariantResult[], key: (space: string, where: string, doing: string) => string | null): string[] {
  const total = new Map<string, number>();
  for (const r of results) {
    for (const p of r.perf?.places ?? []) {
      const k = key(p.space, p.where, p.doing);
      if (k) total.set(k, (total.get(k) ?? 0) + p.samples / Math.max(1, r.perf?.samples ?? 1));
    }
  }
  return [...total.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
}

function perfTable(
  results: VariantResult[],
  title: string,
  key: (space: string, where: string, doing: string) => string | null,
  maxColumns: number,
): string {
  const profiled = results.filter((r) => r.perf && r.perf.samples > 0);
  const all = columns(profiled, key);
  const shown = all.slice(0, maxColumns);
  const rest = all.length > shown.length;
  const head = `| ${title} | samples | ${shown.join(" | ")}${rest ? " | the rest" : ""} |`;
  const rule = `|---|---|${shown.map(() => "---|").join("")}${rest ? "---|" : ""}`;
  const rows = profiled.map((r) => {
    const perf = r.perf as PerfSummary;
    const envoyMs = median(r.runs.map((x) => x.envoyMsPerRequest));
    const shares = sharesBy(perf, (p) => key(p.space, p.where, p.doing) ?? "");
    const cell = (share: number) => f3(share * envoyMs);
    const restShare = [...shares.entries()].filter(([k]) => k !== "" && !shown.includes(k)).reduce((n, [, s]) => n + s, 0);
    return `| ${r.name} | ${perf.samples} | ${shown.map((c) => cell(shares.get(c) ?? 0)).join(" | ")}${rest ? ` | ${cell(restShare)}` : ""} |`;
  });
  return [head, rule, ...rows].join("\n");
}

/** Envoy's CPU per request by place: its own code, libc, and each system call (ms per request). */
export const renderPlaceTable = (results: VariantResult[]) =>
  perfTable(results, "gateway variant", (space, where) => (space === "user" ? `user: ${where}` : `kernel: ${where}`), 9);

/** The kernel's share only, by what it was doing, whatever the system call (ms per request). */
export const renderKernelTable = (results: VariantResult[]) =>
  perfTable(results, "gateway variant (kernel time only)", (space, _where, doing) => (space === "kernel" ? doing : null), 6);

const medianMs = (r: VariantResult | undefined) => (r ? median(r.runs.map((x) => x.envoyMsPerRequest)) : Number.NaN);
const kernelMs = (r: VariantResult | undefined) =>
  r
    ? median(
        r.runs.map((x) =>
          ms(
            x.threads.reduce((n, t) => n + t.systemS, 0),
            x.requests,
          ),
        ),
      )
    : Number.NaN;

/**
 * The table read as differences of medians, each line only when both of its variants ran: the floor
 * of any proxy (the TCP relay), what Envoy's HTTP handling adds to it, what this gateway's config adds
 * to the plainest HTTP proxy, what each removable part costs, and what one worker per core changes.
 */
export function renderReading(results: VariantResult[]): string {
  const get = (name: string) => results.find((r) => r.name === name);
  const diff = (a: string, b: string) => medianMs(get(a)) - medianMs(get(b));
  const lines: string[] = [];
  const both = (a: string, b: string) => get(a) !== undefined && get(b) !== undefined;
  const relay = get("TCP relay");
  if (relay) {
    lines.push(
      `- One loopback hop through a proxy that does no HTTP (TCP relay): ${f3(medianMs(relay))} ms per request, ${f3(kernelMs(relay))} of it in the kernel.`,
    );
  }
  if (both("bare HTTP proxy (diagnostic)", "TCP relay"))
    lines.push(
      `- Envoy's own HTTP/1 handling on top of that hop (bare HTTP proxy − TCP relay): ${f3(diff("bare HTTP proxy (diagnostic)", "TCP relay"))} ms.`,
    );
  if (both("all three removed", "bare HTTP proxy (diagnostic)"))
    lines.push(
      `- This gateway's routes, retries, timeouts, health checks and path rules on top of the bare proxy (all three removed − bare): ${f3(diff("all three removed", "bare HTTP proxy (diagnostic)"))} ms.`,
    );
  for (const [part, without] of [
    ["tracing", "without tracing"],
    ["the access log", "without the access log"],
    ["the filters before the router", "router filter only"],
  ] as const) {
    if (both("as configured", without)) lines.push(`- ${part} (as configured − ${without}): ${f3(diff("as configured", without))} ms.`);
  }
  if (both("spans not exported (diagnostic)", "as configured"))
    lines.push(
      `- of tracing, sending the spans to Jaeger (as configured − spans not exported): ${f3(diff("as configured", "spans not exported (diagnostic)"))} ms.`,
    );
  for (const base of ["as configured", "all three removed"]) {
    const a = get(base);
    const b = get(`worker per core: ${base}`);
    if (!a || !b) continue;
    // Back to back in every round: the per-round ratio cancels most of what other load does to both.
    const ratios = a.runs.flatMap((r, i) => {
      const other = b.runs[i];
      return other ? [other.envoyMsPerRequest / r.envoyMsPerRequest] : [];
    });
    const lower = ratios.filter((x) => x > 1).length;
    lines.push(
      `- One worker per core instead of the stack's setting, ${base} (back to back each round): ${f3(diff(`worker per core: ${base}`, base))} ms; per-round ratio worker per core ÷ stack's ${medianRange(ratios, 2)}, the stack's setting lower in ${lower} of ${ratios.length} rounds.`,
    );
  }
  return lines.join("\n");
}
