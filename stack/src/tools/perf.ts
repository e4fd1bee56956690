import { aptInstall } from "./apt.ts";
import { MissingToolError, type ToolContext } from "./context.ts";

const findPerf = (): string | null => Bun.which("perf") ?? Bun.which("perf", { PATH: "/usr/bin:/usr/local/bin" });

/** perf (Linux's sampling profiler; `npm run bench -- gateway-ablation --perf`), from Debian's package when missing. */
export async function ensurePerf(ctx: ToolContext): Promise<string> {
  const found = findPerf();
  if (found) return found;
  await ctx.step("installing perf (apt)", () => aptInstall([ctx.versions.apt.perf], "perf (the bench's profiler of stripped binaries)"));
  const installed = findPerf();
  if (!installed) throw new MissingToolError("perf was installed but `perf` is not on PATH");
  return installed;
}
