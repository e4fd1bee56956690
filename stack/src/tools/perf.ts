import { ensureAptBinary } from "./apt.ts";
import type { ToolContext } from "./context.ts";

/** perf (Linux's sampling profiler; `npm run bench -- gateway-ablation --perf`), from Debian's package when missing. */
export const ensurePerf = (ctx: ToolContext): Promise<string> =>
  ensureAptBinary(ctx, {
    names: ["perf"],
    aptPackage: ctx.versions.apt.perf,
    label: "perf",
    why: "perf (the bench's profiler of stripped binaries)",
  });
