import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testConfig } from "../config.ts";
import { startControlServer } from "../control-server.ts";
import { Stack } from "../stack.ts";
import { screenshotSuites, serviceSuites, staticChecks, systemSuites } from "../test-suites/catalogue.ts";
import { runSuite, type Suite, type SuiteResult } from "../test-suites/run-suite.ts";
import { createToolContext, ensureTools } from "../tools/index.ts";
import { ensureSchemathesis } from "../tools/schemathesis.ts";
import { prepareWorkspace } from "../workspace.ts";
import { onShutdownSignal } from "./signals.ts";

export type TestOptions = { keep: boolean; only?: string[]; screenshots?: boolean };

/**
 * `npm test`: static checks, then a throw-away stack on free ports, each service's own suite
 * against its real stores, the end-to-end and chaos suites through the real gateway, and one
 * closing line summing them all.
 */
export async function test(options: TestOptions): Promise<number> {
  const started = performance.now();
  const [tools, schemathesis] = await Promise.all([ensureTools(undefined, { browser: true }), ensureSchemathesis(createToolContext())]);
  await prepareWorkspace(tools);
  const dataDir = mkdtempSync(join(tmpdir(), "msa-board-test-"));
  const config = await testConfig(dataDir);
  const stack = new Stack(config, tools);
  const results: SuiteResult[] = [];
  const selected = (suite: Suite) => !options.only || options.only.some((name) => suite.name.includes(name));

  let control: ReturnType<typeof startControlServer> | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await control?.stop();
    await stack.stop(() => {});
    if (!options.keep && results.every((r) => r.failed === 0)) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`\nstack data and logs kept in ${dataDir}`);
  };
  onShutdownSignal(() => void cleanup().then(() => process.exit(130)));

  const baseEnv: Record<string, string> = {
    PATH: `${join(tools.envoy, "..")}:${join(tools.jaeger, "..")}:${join(tools.deno, "..")}:${join(tools.bun, "..")}:${process.env.PATH ?? ""}`,
    ENVOY_BIN: tools.envoy,
    JAEGER_BIN: tools.jaeger,
    DENO_BIN: tools.deno,
    DENO_DIR: tools.denoDir,
    SCHEMATHESIS_BIN: schemathesis,
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    ...(tools.chromium ? { CHROMIUM_BIN: tools.chromium } : {}),
  };

  if (!options.screenshots) for (const suite of staticChecks(tools).filter(selected)) results.push(await runSuite(suite, baseEnv));

  try {
    console.log(`\n▸ starting the test stack (free ports, data in ${dataDir})`);
    const stackStarted = performance.now();
    await stack.start((line) => console.log(line));
    control = startControlServer(stack, config.ports.control);
    console.log(`✓ test stack healthy in ${((performance.now() - stackStarted) / 1000).toFixed(1)}s`);
  } catch (err) {
    console.error(`✗ the test stack did not start: ${(err as Error).message}\n  logs: ${config.logDir}`);
    results.push({ name: "test stack start", passed: 0, failed: 1, ms: 0, exitCode: 1 });
    await cleanup();
    return summarize(results, started);
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
  const suites = options.screenshots ? screenshotSuites(tools) : [...serviceSuites(tools), ...systemSuites(tools)];
  for (const suite of suites.filter(selected)) {
    results.push(await runSuite(suite, stackEnv));
  }
  await cleanup();
  return summarize(results, started);
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
