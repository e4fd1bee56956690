import { spawn } from "node:child_process";
import { parseCounts } from "./parse-counts.ts";

export type Suite = {
  name: string;
  command: string[];
  cwd: string;
  /** `bun`/`deno` suites report their own counts; a check counts as one test. */
  kind: "bun-test" | "deno-test" | "check";
  env?: Record<string, string>;
  timeoutMs?: number;
};

export type SuiteResult = { name: string; passed: number; failed: number; ms: number; exitCode: number };

/** Runs one suite with its output streamed, then counts its results from what it printed. */
export async function runSuite(suite: Suite, env: Record<string, string>): Promise<SuiteResult> {
  const started = performance.now();
  console.log(`\n━━ ${suite.name} ━━  (${suite.command.join(" ")})`);
  let output = "";
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(suite.command[0] as string, suite.command.slice(1), {
      cwd: suite.cwd,
      env: { ...process.env, ...env, ...suite.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer = setTimeout(() => {
      console.log(`✗ ${suite.name} timed out after ${(suite.timeoutMs ?? 600_000) / 1000}s`);
      child.kill("SIGKILL");
    }, suite.timeoutMs ?? 600_000);
    const collect = (chunk: Buffer, to: NodeJS.WriteStream) => {
      const text = chunk.toString("utf8");
      output += text;
      to.write(text);
    };
    child.stdout?.on("data", (c: Buffer) => collect(c, process.stdout));
    child.stderr?.on("data", (c: Buffer) => collect(c, process.stdout));
    child.on("error", (err) => {
      output += err.message;
      clearTimeout(timer);
      resolve(127);
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
  const counts = parseCounts(suite.kind, output, exitCode);
  return { name: suite.name, ...counts, ms: performance.now() - started, exitCode };
}
