/**
 * Sequential latency of one page of GET /postings, straight at a running service (it starts nothing):
 *
 *   bun run src/cli/bench-pages.ts --url 'http://127.0.0.1:3002/postings?limit=20' [--page 500] [--requests 300] [--warmup 30]
 *
 * `--page N` first follows nextCursor N-1 times to reach page N, then times that same request. To jump
 * deeper without walking, put a cursor in the URL (src/cli/page-cursor.ts makes one for any offset).
 * Prints median and p99 (and a JSON line for scripts).
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    url: { type: "string" },
    page: { type: "string", default: "1" },
    requests: { type: "string", default: "300" },
    warmup: { type: "string", default: "30" },
  },
  strict: true,
});
if (!values.url) {
  console.error("usage: bench-pages --url <GET /postings URL> [--page N] [--requests N] [--warmup N]");
  process.exit(2);
}
const page = Number(values.page);
const requests = Number(values.requests);
const warmup = Number(values.warmup);

async function get(url: string): Promise<{ nextCursor: string | null; items: unknown[] }> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as { nextCursor: string | null; items: unknown[] };
}

let target = values.url;
const reachStarted = performance.now();
for (let p = 1; p < page; p++) {
  const { nextCursor } = await get(target);
  if (!nextCursor) throw new Error(`there is no page ${page}: the last page is ${p}`);
  const next = new URL(values.url);
  next.searchParams.set("cursor", nextCursor);
  target = next.toString();
}
if (page > 1) console.log(`reached page ${page} in ${((performance.now() - reachStarted) / 1000).toFixed(1)} s`);

for (let i = 0; i < warmup; i++) await get(target);
const samples: number[] = [];
let items = 0;
for (let i = 0; i < requests; i++) {
  const started = performance.now();
  const body = await get(target);
  samples.push(performance.now() - started);
  items = body.items.length;
}
samples.sort((a, b) => a - b);
const quantile = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)] ?? Number.NaN;
const result = { page, requests, items, medianMs: quantile(0.5), p99Ms: quantile(0.99), minMs: samples[0], maxMs: samples.at(-1) };
const label = page === 1 && new URL(values.url).searchParams.has("cursor") ? "the cursor's page" : `page ${page}`;
console.log(
  `${label}: ${requests} sequential requests, ${items} items each — median ${result.medianMs.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`,
);
console.log(JSON.stringify(result));
