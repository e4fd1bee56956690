import { ensureAptBinary } from "./apt.ts";
import type { ToolContext } from "./context.ts";

/** wrk (the bench's closed-loop load generator: one thread, an event loop, the least CPU per request), from Debian's package when missing. */
export const ensureWrk = (ctx: ToolContext): Promise<string> =>
  ensureAptBinary(ctx, {
    names: ["wrk"],
    aptPackage: ctx.versions.apt.wrk,
    label: "wrk",
    why: "wrk (the bench's closed-loop load generator)",
  });
