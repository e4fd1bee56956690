import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `deno task start` as the command line it runs, read from the service's deno.json: the task stays
 * the one list of permissions, and the stack starts Deno itself instead of through the task runner
 * (one process fewer per replica, ~9 MB of memory). Only a plain `deno …` command qualifies: a task
 * that needs a shell is refused here rather than run differently.
 */
export function denoTaskCommand(deno: string, serviceDir: string, task = "start"): string[] {
  const config = JSON.parse(readFileSync(join(serviceDir, "deno.json"), "utf8")) as {
    tasks?: Record<string, string | { command?: string }>;
  };
  const entry = config.tasks?.[task];
  const command = typeof entry === "string" ? entry : entry?.command;
  if (!command) throw new Error(`${join(serviceDir, "deno.json")} has no "${task}" task`);
  if (/[|&;<>$`"\\(){}]/.test(command)) throw new Error(`the "${task}" task needs a shell (${command}); run it with \`deno task\``);
  // The task shell's only quoting here: single quotes that keep a `*` from being expanded.
  const [program, ...args] = command
    .trim()
    .split(/\s+/)
    .map((word) => word.replaceAll("'", ""));
  if (program !== "deno") throw new Error(`the "${task}" task does not run deno: ${command}`);
  return [deno, ...args];
}
