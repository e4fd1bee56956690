import { join } from "node:path";
import type { LoadResult } from "../load-generator.ts";
import { childCpuSeconds, type GeneratorRun } from "./generator-run.ts";

const SCRIPT = join(import.meta.dir, "bun-fetch.ts");

/** The Bun fetch generator in a child process: closed loop with `connections`, or open loop at `rate`. */
export async function bunFetchRun(url: string, shape: { connections: number } | { rate: number }, seconds: number): Promise<GeneratorRun> {
  const pace = "rate" in shape ? ["--rate", String(shape.rate)] : ["--connections", String(shape.connections)];
  const proc = Bun.spawn([process.execPath, "run", SCRIPT, "--url", url, ...pace, "--seconds", String(seconds)], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`the Bun fetch generator exited with ${code}: ${stderr.trim()}`);
  return { ...(JSON.parse(stdout.trim()) as LoadResult), generatorCpuS: childCpuSeconds(proc) };
}
