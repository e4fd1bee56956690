import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Stack, type StackDescription } from "@msa-board/stack";
import { repoRoot, testConfig } from "@msa-board/stack/config";
import { startControlServer } from "@msa-board/stack/control-server";
import { stopDeadThrowawayStacks } from "@msa-board/stack/previous-run";
import { createToolContext, ensureTools, ensureToxiproxy } from "@msa-board/stack/tools";
import { prepareWorkspace } from "@msa-board/stack/workspace";
import { FaultProxy } from "../chaos/support/toxics.ts";
import type { StackControl } from "./injector.ts";
import { renderMarkdown, type SoakReport } from "./report.ts";
import { runSoak } from "./run.ts";

const usage = `npm run chaos -- [--minutes N] [--seed S] [--out DIR] [--stack-file FILE]

  a randomized fault soak under steady mixed load, on its own throw-away stack (or the running
  stack described by --stack-file), checking invariants; the report goes to DIR (default .data/soak)`;

export function controlOf(description: StackDescription): StackControl {
  return {
    proxy: FaultProxy.of(description),
    call: async (method, path) => {
      // The control API wants this run's token, and a JSON body on every POST (its CSRF guard).
      const headers: Record<string, string> = { authorization: `Bearer ${description.controlToken}` };
      if (method === "POST") headers["content-type"] = "application/json";
      const res = await fetch(`${description.controlUrl}${path}`, {
        method,
        headers,
        body: method === "POST" ? "{}" : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    },
  };
}

/** A throw-away stack on free ports, with the fault proxy, for the soak alone. */
async function withOwnStack(fn: (description: StackDescription) => Promise<SoakReport>): Promise<SoakReport> {
  await stopDeadThrowawayStacks(tmpdir(), (line) => console.log(line));
  const tools = await ensureTools();
  tools.toxiproxy = await ensureToxiproxy(createToolContext());
  await prepareWorkspace(tools);
  const dataDir = mkdtempSync(join(tmpdir(), "msa-board-soak-"));
  const config = await testConfig(dataDir);
  config.faultProxy = true;
  const stack = new Stack(config, tools);
  let control: ReturnType<typeof startControlServer> | undefined;
  let keep = true;
  // Ctrl-C mid-fault: continue whatever is paused, so every process can act on its stop signal.
  const interrupted = async () => {
    console.log(`\ninterrupted: stopping the soak's stack (data and logs kept in ${dataDir})`);
    for (const managed of stack.processes.values()) managed.kill("SIGCONT");
    await control?.stop();
    await stack.stop(() => {});
    process.exit(130);
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    console.log(`▸ starting the soak's own stack (data and logs in ${dataDir})`);
    await stack.start(() => {});
    control = startControlServer(stack, config.ports.control);
    const report = await fn(stack.describe());
    keep = !report.passed;
    return report;
  } finally {
    await control?.stop();
    await stack.stop(() => {});
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`stack data and logs kept in ${dataDir}`);
  }
}

export function writeReport(report: SoakReport, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `soak-seed-${report.seed}-${report.startedAt.replaceAll(":", "-")}`);
  writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
  writeFileSync(`${base}.md`, renderMarkdown(report));
  return base;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: "string", default: "10" },
      seed: { type: "string" },
      out: { type: "string", default: join(repoRoot, ".data", "soak") },
      "stack-file": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const minutes = Number(values.minutes);
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!(minutes > 0) || !Number.isInteger(seed)) {
    console.error(`✗ --minutes takes a positive number and --seed a whole number\n\n${usage}`);
    return 1;
  }
  const soak = (description: StackDescription) =>
    runSoak({ stack: description, control: controlOf(description), minutes, seed, log: (line) => console.log(line) });
  const report = values["stack-file"]
    ? await soak(JSON.parse(readFileSync(values["stack-file"], "utf8")) as StackDescription)
    : await withOwnStack(soak);
  const markdown = renderMarkdown(report);
  console.log(`\n${markdown}`);
  const written = writeReport(report, resolve(values.out as string));
  console.log(`report: ${written}.md and .json (replay this run with --seed ${seed})`);
  return report.passed ? 0 : 1;
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
