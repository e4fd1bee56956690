import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppDeps } from "../app_types.ts";
import { PROBLEM_CONTENT_TYPE, problemBody } from "@msa-board/service-kit/problem";
import { problems } from "./problem_responses.ts";

const HealthSchema = z.object({ status: z.literal("ok"), checks: z.object({ redis: z.literal("ok") }) });

export const healthzRoute = createRoute({
  method: "get",
  path: "/healthz",
  summary: "Ready to serve: Redis answers PING (not routed publicly)",
  responses: {
    200: { description: "Healthy", content: { "application/json": { schema: HealthSchema } } },
    503: problems[503],
  },
});

export function registerHealthz(app: OpenAPIHono, { notices }: AppDeps) {
  app.openapi(healthzRoute, async (c) => {
    try {
      await notices.ping();
    } catch {
      // Answered here rather than thrown: probes poll this, and the Redis client already logs the outage.
      return c.json(problemBody("unavailable", "Redis does not answer PING."), 503, {
        "content-type": PROBLEM_CONTENT_TYPE,
        "retry-after": "1",
      });
    }
    return c.json({ status: "ok" as const, checks: { redis: "ok" as const } }, 200);
  });
}
