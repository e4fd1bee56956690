import { stack } from "../../src/support/stack.ts";

export type Sample = { route: string; status: number; ms: number; problem: boolean; at: number };

export type LoadLoop = {
  samples: Sample[];
  stop: () => Promise<Sample[]>;
};

/**
 * A steady request loop on loopback: every `intervalMs`, one GET per route through the gateway.
 * Bounded by `maxMs` so a stuck test can never become an endless load.
 */
export function startLoad(routes: string[], { intervalMs = 50, maxMs = 120_000 } = {}): LoadLoop {
  const samples: Sample[] = [];
  let running = true;
  const started = Date.now();
  const loops = routes.map(async (route) => {
    while (running && Date.now() - started < maxMs) {
      const t0 = performance.now();
      try {
        const res = await fetch(`${stack.gatewayUrl}${route}`, { signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        samples.push({
          route,
          status: res.status,
          ms: performance.now() - t0,
          problem: (res.headers.get("content-type") ?? "").startsWith("application/problem+json"),
          at: Date.now(),
        });
      } catch {
        samples.push({ route, status: 0, ms: performance.now() - t0, problem: false, at: Date.now() });
      }
      await Bun.sleep(intervalMs);
    }
  });
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

export function summarize(samples: Sample[], route: string) {
  const mine = samples.filter((s) => s.route === route);
  const ok = mine.filter((s) => s.status >= 200 && s.status < 300);
  const failed = mine.filter((s) => !(s.status >= 200 && s.status < 300));
  return { total: mine.length, ok: ok.length, failed, maxFailedMs: Math.max(0, ...failed.map((f) => f.ms)) };
}
