import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./config.ts";
import { denoTaskCommand } from "./deno-task.ts";

test("notices' start task, as the stack runs it: deno itself, the task's permissions, no quotes left", () => {
  const [deno, ...args] = denoTaskCommand("/opt/deno", join(repoRoot, "services", "notices"));
  expect(deno).toBe("/opt/deno");
  expect(args[0]).toBe("run");
  expect(args).toContain("--allow-net");
  expect(args.at(-1)).toBe("src/main.ts");
  const allowEnv = args.find((a) => a.startsWith("--allow-env="));
  expect(allowEnv).toContain("REDIS_URL");
  expect(allowEnv).toEndWith(",OTEL_*");
  expect(args.join(" ")).not.toContain("'");
  expect(args).not.toContain("-A");
});

const dir = mkdtempSync(join(tmpdir(), "msa-deno-task-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("a task that needs a shell, runs something else, or is missing is refused, not guessed at", () => {
  const write = (tasks: Record<string, unknown>) => writeFileSync(join(dir, "deno.json"), JSON.stringify({ tasks }));
  write({ start: "deno run main.ts && echo done" });
  expect(() => denoTaskCommand("deno", dir)).toThrow(/needs a shell/);
  write({ start: { command: "node main.js" } });
  expect(() => denoTaskCommand("deno", dir)).toThrow(/does not run deno/);
  write({});
  expect(() => denoTaskCommand("deno", dir)).toThrow(/no "start" task/);
});
