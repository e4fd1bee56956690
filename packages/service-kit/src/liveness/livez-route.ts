import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { jsonContent, ProblemSchema } from "../http/openapi.ts";
import { PROBLEM_CONTENT_TYPE, problemBody } from "../http/problem.ts";
import type { Liveness } from "./liveness.ts";

const LoopsSchema = z.record(z.string(), z.object({ sinceProgressMs: z.number().int(), overdueMs: z.number().int(), stuck: z.boolean() }));

const LiveSchema = z.object({ status: z.literal("live"), loops: LoopsSchema }).openapi("Liveness");

export const livezRoute = createRoute({
  method: "get",
  path: "/livez",
  summary: "Liveness: 200 unless a background loop is stuck (a store outage is not stuck); 503 asks for a restart",
  tags: ["operations"],
  responses: {
    200: jsonContent(LiveSchema, "Every background loop makes progress (or reports the outage it waits out)"),
    503: {
      description: "A background loop has not finished a step within its bound: restart the process",
      content: { "application/problem+json": { schema: ProblemSchema.extend({ loops: LoopsSchema }) } },
    },
  },
});

/** Mounts `GET /livez` on a service's app; never touches a store, so an outage cannot fail it. */
// biome-ignore lint/suspicious/noExplicitAny: any service's app, whatever its context variables
export function registerLivez(app: OpenAPIHono<any>, liveness: Liveness): void {
  app.openapi(livezRoute, (c) => {
    const { live, loops } = liveness.report();
    c.header("cache-control", "no-store");
    if (live) return c.json({ status: "live" as const, loops }, 200);
    const stuck = Object.keys(loops).filter((name) => loops[name]?.stuck);
    const body = { ...problemBody("unavailable", `Stuck background loop: ${stuck.join(", ")}.`), loops };
    return new Response(JSON.stringify(body), {
      status: 503,
      headers: { "content-type": PROBLEM_CONTENT_TYPE, "cache-control": "no-store" },
    }) as never;
  });
}
