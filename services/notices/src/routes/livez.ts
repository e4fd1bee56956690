import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";

const LiveSchema = z.object({ status: z.literal("live"), loops: z.record(z.string(), z.unknown()) });

export const livezRoute = createRoute({
  method: "get",
  path: "/livez",
  summary: "Liveness (not routed publicly): notices runs no background loop, so answering at all means live",
  responses: { 200: { description: "Live", content: { "application/json": { schema: LiveSchema } } } },
});

/** Never touches Redis: a store outage must not get the process restarted (that is /healthz's 503). */
export function registerLivez(app: OpenAPIHono) {
  app.openapi(livezRoute, (c) => c.json({ status: "live" as const, loops: {} }, 200, { "cache-control": "no-store" }));
}
