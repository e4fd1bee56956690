import { aptInstall } from "./apt.ts";
import { MissingToolError, type ToolContext } from "./context.ts";

const findWrk = (): string | null => Bun.which("wrk") ?? Bun.which("wrk", { PATH: "/usr/bin:/usr/local/bin" });

/** wrk (the bench's closed-loop load generator: one thread, an event loop, the least CPU per request), from Debian's package when missing. */
export async function ensureWrk(ctx: ToolContext): Promise<string> {
  const found = findWrk();
  if (found) return found;
  await ctx.step("installing wrk (apt)", () => aptInstall([ctx.versions.apt.wrk], "wrk (the bench's closed-loop load generator)"));
  const installed = findWrk();
  if (!installed) throw new MissingToolError("wrk was installed but `wrk` is not on PATH");
  return installed;
}
