import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppDeps } from "../app_types.ts";
import { ProblemError } from "../http/problem.ts";
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
    } catch (err) {
      throw new ProblemError("unavailable", "Redis does not answer PING.", {
        headers: { "retry-after": "1" },
        cause: err,
      });
    }
    return c.json({ status: "ok" as const, checks: { redis: "ok" as const } }, 200);
  });
}
