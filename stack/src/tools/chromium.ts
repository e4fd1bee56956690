import { ensureAptBinary } from "./apt.ts";
import type { ToolContext } from "./context.ts";

/**
 * Debian's Chromium, for the web part's browser suite (driven by playwright-core, which never
 * downloads a browser of its own). Only `npm test` needs it; `npm start` does not install it.
 */
export const ensureChromium = (ctx: ToolContext): Promise<string> =>
  ensureAptBinary(ctx, {
    names: ["chromium", "chromium-browser"],
    aptPackage: ctx.versions.apt.chromium,
    label: "Chromium",
    why: "Chromium (for the web part's browser tests)",
  });
