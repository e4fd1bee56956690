import type { ToolContext } from "./context.ts";
import { ensurePypiTool } from "./pypi.ts";

/** Schemathesis, the schema-driven API fuzzer `npm test` runs on every service's OpenAPI document. */
export function ensureSchemathesis(ctx: ToolContext): Promise<string> {
  return ensurePypiTool(ctx, {
    label: "Schemathesis",
    requirement: "schemathesis",
    version: ctx.versions.schemathesis.version,
    pinned: ctx.versions.schemathesis.requirements,
    binary: "schemathesis",
    cacheName: "schemathesis",
  });
}
