import { aptInstall } from "./apt.ts";
import { MissingToolError, type ToolContext } from "./context.ts";

const findChromium = (): string | null =>
  Bun.which("chromium") ?? Bun.which("chromium", { PATH: "/usr/bin:/usr/local/bin" }) ?? Bun.which("chromium-browser");

/**
 * Debian's Chromium, for the web part's browser suite (driven by playwright-core, which never
 * downloads a browser of its own). Only `npm test` needs it; `npm start` does not install it.
 */
export async function ensureChromium(ctx: ToolContext): Promise<string> {
  const found = findChromium();
  if (found) return found;
  await ctx.step("installing Chromium (apt)", () => aptInstall([ctx.versions.apt.chromium], "Chromium (for the web part's browser tests)"));
  const installed = findChromium();
  if (!installed) throw new MissingToolError("Chromium was installed but `chromium` is not on PATH");
  return installed;
}
