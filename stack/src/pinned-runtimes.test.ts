import { describe, expect, test } from "bun:test";
import { dirname, join } from "node:path";
import versions from "../versions.json";
import { repoRoot } from "./config.ts";

// Someone without a global Bun or Deno: `npm test` in a Bun part, `npm run bun|deno -- …` anywhere
// else, run the pinned binaries `npm start` caches. PATH here holds Node and the system, no Bun, no Deno.
const node = Bun.which("node");
const PATH = [...new Set([node ? dirname(node) : "/usr/bin", "/usr/bin", "/bin"])].join(":");
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_") && name !== "INIT_CWD"));

async function npm(args: string[], cwd: string) {
  const proc = Bun.spawn(["npm", ...args], { cwd, env: { ...env, PATH, NO_COLOR: "1" }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, output: stdout + stderr };
}

describe("without a global Bun or Deno", () => {
  test("the PATH of these tests really has neither", () => {
    expect(Bun.which("bun", { PATH })).toBeNull();
    expect(Bun.which("deno", { PATH })).toBeNull();
  });

  test("`npm test` in a Bun part's folder runs that part's own suite with the pinned Bun", async () => {
    // Through the part's preload too: its PostgreSQL is the given one, or a throw-away one.
    const run = await npm(["test", "--", "src/logger.test.ts"], join(repoRoot, "packages", "service-kit"));
    expect(run.output).toContain(`bun test v${versions.bun}`);
    expect(run.output).toMatch(/\b[1-9]\d* pass\b/);
    expect(run.output).toContain(" 0 fail");
    expect(run.code).toBe(0);
  }, 120_000);

  test("`npm run deno -- …` runs the pinned Deno in the folder it was typed in", async () => {
    const notices = join(repoRoot, "services", "notices");
    const run = await npm(["run", "--silent", "deno", "--", "eval", "console.log(Deno.version.deno, Deno.cwd())"], notices);
    expect(run.output).toContain(`${versions.deno} ${notices}`);
    expect(run.code).toBe(0);
  }, 120_000);

  test("`npm run bun -- …` runs the pinned Bun in the folder it was typed in", async () => {
    const notices = join(repoRoot, "services", "notices");
    const run = await npm(["run", "--silent", "bun", "--", "-e", "console.log(Bun.version, process.cwd())"], notices);
    expect(run.output).toContain(`${versions.bun} ${notices}`);
    expect(run.code).toBe(0);
  }, 120_000);
});
