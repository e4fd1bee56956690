export type RequestSpec = { url: string; method?: string; headers?: Record<string, string>; body?: string };

export type LoadResult = {
  label: string;
  sent: number;
  ok: number;
  errors: number;
  durationS: number;
  /** Completed successful requests per second. */
  throughput: number;
  medianMs: number;
  p99Ms: number;
};

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

async function send(spec: RequestSpec): Promise<boolean> {
  try {
    const res = await fetch(spec.url, {
      method: spec.method ?? "GET",
      headers: spec.headers,
      body: spec.body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status < 400;
  } catch {
    return false;
  }
}

/**
 * Open-loop, constant-rate load (wrk2 style): request i is due at start + i/rate and its latency is
 * measured from that intended time, so a server that falls behind shows its queueing in the
 * numbers instead of silently slowing the generator down.
 */
export async function constantRate(
  label: string,
  next: (i: number) => RequestSpec,
  { rate, durationS, warmupS = 1, maxInFlight = 512 }: { rate: number; durationS: number; warmupS?: number; maxInFlight?: number },
): Promise<LoadResult> {
  const total = Math.round(rate * (warmupS + durationS));
  const warmup = Math.round(rate * warmupS);
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const start = performance.now() + 50;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await Bun.sleep(wait);
    while (inFlight >= maxInFlight) await new Promise<void>((resolve) => waiters.push(resolve));
    inFlight++;
    const spec = next(i);
    pending.push(
      send(spec).then((success) => {
        inFlight--;
        waiters.shift()?.();
        if (i < warmup) return;
        latencies.push(performance.now() - due);
        if (success) ok++;
        else errors++;
      }),
    );
  }
  await Promise.all(pending);
  const elapsedS = (performance.now() - (start + warmupS * 1000)) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    label,
    sent: total - warmup,
    ok,
    errors,
    durationS: elapsedS,
    throughput: ok / Math.max(elapsedS, durationS),
    medianMs: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Closed-loop saturation: `connections` workers back to back, for the maximum sustainable throughput. */
export async function saturate(
  label: string,
  next: (i: number) => RequestSpec,
  { connections, durationS, warmupS = 1 }: { connections: number; durationS: number; warmupS?: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let counter = 0;
  const warmEnd = performance.now() + warmupS * 1000;
  const end = warmEnd + durationS * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const success = await send(next(counter++));
      if (t0 < warmEnd) continue;
      latencies.push(performance.now() - t0);
      if (success) ok++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  latencies.sort((a, b) => a - b);
  return {
    label,
    sent: ok + errors,
    ok,
    errors,
    durationS,
    throughput: ok / durationS,
    medianMs: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
