import { spawn } from "node:child_process";
import { join } from "node:path";
import { createToolContext } from "../tools/context.ts";
import { ensureDeno } from "../tools/deno.ts";

/**
 * `npm run deno -- <args>`: the Deno `npm start` pins and caches (installed on first use), run in
 * the folder the command was typed in, sharing the stack's Deno module cache — for whoever has no
 * Deno of their own (`cd services/notices && npm run deno -- task test`).
 */
export async function runPinnedDeno(args: string[]): Promise<number> {
  const ctx = createToolContext();
  const deno = await ensureDeno(ctx);
  const child = spawn(deno, args, {
    cwd: process.env.MSA_BOARD_CALLER_CWD ?? process.cwd(),
    stdio: "inherit",
    env: { DENO_DIR: join(ctx.cacheDir, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", ...process.env },
  });
  // Ctrl-C reaches Deno itself (same terminal); a signal sent to this process alone is passed on.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 130 : 1))));
}
