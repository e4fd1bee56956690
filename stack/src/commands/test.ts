import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testConfig } from "../config.ts";
import { startControlServer } from "../control-server.ts";
import { stopDeadThrowawayStacks } from "../previous-run.ts";
import type { Shape } from "../shapes.ts";
import { Stack } from "../stack.ts";
import { monolithSuites, screenshotSuites, serviceSuites, staticChecks, systemSuites } from "../test-suites/catalogue.ts";
import { runSuite, type Suite, type SuiteResult } from "../test-suites/run-suite.ts";
import { createToolContext, ensureTools, ensureToxiproxy, type Tools } from "../tools/index.ts";
import { ensureSchemathesis } from "../tools/schemathesis.ts";
import { prepareWorkspace } from "../workspace.ts";
import { onShutdownSignal } from "./signals.ts";

export type TestOptions = { keep: boolean; only?: string[]; screenshots?: boolean };

/**
 * `npm test`: static checks, then a throw-away stack on free ports, each service's own suite
 * against its real stores, the end-to-end and chaos suites through the real gateway; then a second
 * throw-away stack in the monolith shape for the end-to-end suites again (same contract, other
 * shape); and one closing line summing them all.
 */
export async function test(options: TestOptions): Promise<number> {
  const started = performance.now();
  await stopDeadThrowawayStacks(tmpdir(), (line) => console.log(line));
  const [tools, schemathesis] = await Promise.all([ensureTools(undefined, { browser: true }), ensureSchemathesis(createToolContext())]);
  tools.toxiproxy = await ensureToxiproxy(createToolContext());
  await prepareWorkspace(tools);
  const results: SuiteResult[] = [];
  // One handler for the whole run: it stops whichever stack is up at the time.
  const current: { cleanup?: () => Promise<void> } = {};
  onShutdownSignal(() => void (current.cleanup?.() ?? Promise.resolve()).then(() => process.exit(130)));
  const selected = (suite: Suite) => !options.only || options.only.some((name) => suite.name.includes(name));

  const baseEnv: Record<string, string> = {
    PATH: `${join(tools.envoy, "..")}:${join(tools.jaeger, "..")}:${join(tools.deno, "..")}:${join(tools.bun, "..")}:${process.env.PATH ?? ""}`,
    ENVOY_BIN: tools.envoy,
    JAEGER_BIN: tools.jaeger,
    DENO_BIN: tools.deno,
    OPENSSL_BIN: tools.openssl,
    DENO_DIR: tools.denoDir,
    SCHEMATHESIS_BIN: schemathesis,
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    ...(tools.chromium ? { CHROMIUM_BIN: tools.chromium } : {}),
  };

  if (!options.screenshots) for (const suite of staticChecks(tools).filter(selected)) results.push(await runSuite(suite, baseEnv));

  // `npm run screenshots`: only the screenshot run, on a microservices stack.
  const onMicroservices = (options.screenshots ? screenshotSuites(tools) : [...serviceSuites(tools), ...systemSuites(tools)]).filter(
    selected,
  );
  if (onMicroservices.length > 0) {
    if (!(await runOnStack("microservices", onMicroservices, { tools, baseEnv, results, keep: options.keep, current })))
      return summarize(results, started);
  }
  const onMonolith = options.screenshots ? [] : monolithSuites(tools).filter(selected);
  if (onMonolith.length > 0) await runOnStack("monolith", onMonolith, { tools, baseEnv, results, keep: options.keep, current });
  return summarize(results, started);
}

type RunContext = {
  tools: Tools;
  baseEnv: Record<string, string>;
  results: SuiteResult[];
  keep: boolean;
  current: { cleanup?: () => Promise<void> };
};

/** A throw-away stack of one shape, the suites against it, then stopped; false if it did not start. */
async function runOnStack(shape: Shape, suites: Suite[], { tools, baseEnv, results, keep, current }: RunContext): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), `msa-board-test-${shape}-`));
  const config = await testConfig(dataDir, process.env, shape);
  // Toxiproxy on every service→store link, for the chaos suites and the soak.
  config.faultProxy = shape === "microservices";
  const stack = new Stack(config, tools);
  const before = results.length;
  let control: ReturnType<typeof startControlServer> | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await control?.stop();
    await stack.stop(() => {});
    if (!keep && results.slice(before).every((r) => r.failed === 0)) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`\n${shape} stack data and logs kept in ${dataDir}`);
  };
  current.cleanup = cleanup;

  try {
    console.log(`\n▸ starting the ${shape} test stack (free ports, data in ${dataDir})`);
    const stackStarted = performance.now();
    await stack.start((line) => console.log(line));
    control = startControlServer(stack, config.ports.control);
    console.log(`✓ ${shape} test stack healthy in ${((performance.now() - stackStarted) / 1000).toFixed(1)}s`);
  } catch (err) {
    console.error(`✗ the ${shape} test stack did not start: ${(err as Error).message}\n  logs: ${config.logDir}`);
    results.push({ name: `${shape} test stack start`, passed: 0, failed: 1, ms: 0, exitCode: 1 });
    await cleanup();
    return false;
  }

  const description = stack.describe();
  const stackEnv: Record<string, string> = {
    ...baseEnv,
    TEST_DATABASE_URL: description.databaseUrl,
    TEST_REDIS_URL: description.redisNoticesUrl,
    TEST_EVENTS_REDIS_URL: description.redisEventsUrl,
    MSA_STACK_FILE: join(config.runDir, "stack.json"),
    JAEGER_URL: description.jaegerUrl,
  };
  for (const suite of suites) results.push(await runSuite(suite, stackEnv));
  await cleanup();
  return true;
}

function summarize(results: SuiteResult[], started: number): number {
  const passed = results.reduce((n, r) => n + r.passed, 0);
  const failed = results.reduce((n, r) => n + r.failed, 0);
  console.log("\nsuite                                   passed  failed   time");
  for (const r of results) {
    console.log(
      `${r.name.padEnd(40)}${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${(r.ms / 1000).toFixed(1).padStart(5)}s`,
    );
  }
  console.log(`total time ${((performance.now() - started) / 1000).toFixed(1)}s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 || results.length === 0 ? 1 : 0;
}
