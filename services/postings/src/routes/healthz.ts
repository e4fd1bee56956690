import { createRoute, z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE, problemBody } from "@msa-board/service-kit/problem";
import type { AppDeps, PostingsApp } from "../app-types.ts";
import type { ConsumerStats } from "../events/event-consumer.ts";
import { jsonContent, ProblemSchema } from "../http/schemas.ts";

const ChecksSchema = z.object({
  database: z.enum(["ok", "down"]),
  eventsRedis: z.enum(["ok", "down", "not-used"]),
  consumer: z
    .object({
      state: z.string().openapi({ description: "idle | running | retrying | stopped" }),
      lag: z.number().int().nullable().openapi({ description: "Entries not yet delivered to the group (XINFO GROUPS lag)" }),
      pending: z.number().int().nullable().openapi({ description: "Delivered, not yet acknowledged" }),
      deadLetters: z.number().int().nullable().openapi({ description: "Entries in the dead-letter stream" }),
    })
    .nullable(),
});

const HealthSchema = z.object({ status: z.enum(["ok", "degraded"]), checks: ChecksSchema }).openapi("Health");

/**
 * Readiness. The database is what serving needs: without it, 503. Without the events Redis postings
 * still reads and writes (only renames and deletions from users wait), so that is 200 `degraded`.
 */
export function registerHealthz(app: PostingsApp, { health }: AppDeps): void {
  const route = createRoute({
    method: "get",
    path: "/healthz",
    summary: "Readiness: 200 while the database answers (degraded without the events Redis), else 503",
    tags: ["operations"],
    responses: {
      200: jsonContent(HealthSchema, "Serving; `status` is `degraded` while events cannot be consumed"),
      503: {
        description: "The database does not answer",
        content: { "application/problem+json": { schema: ProblemSchema.extend({ checks: ChecksSchema }) } },
      },
    },
  });

  app.openapi(route, async (c) => {
    const [database, eventsRedis] = await Promise.all([health.database(), health.eventsRedis?.() ?? null]);
    const stats: ConsumerStats | null = eventsRedis && health.consumerStats ? await health.consumerStats().catch(() => null) : null;
    const status = health.consumerStatus?.();
    const consumer =
      stats || status
        ? {
            state: status?.state ?? "idle",
            lag: stats?.lag ?? null,
            pending: stats?.pending ?? null,
            deadLetters: stats?.deadLetters ?? null,
          }
        : null;
    const checks = {
      database: database ? "ok" : "down",
      eventsRedis: eventsRedis === null ? "not-used" : eventsRedis ? "ok" : "down",
      consumer,
    } as const;
    c.header("cache-control", "no-store");
    if (!database) {
      const body = { ...problemBody("unavailable", "The postings database does not answer."), checks };
      return new Response(JSON.stringify(body), {
        status: 503,
        headers: { "content-type": PROBLEM_CONTENT_TYPE, "cache-control": "no-store" },
      }) as never;
    }
    const degraded = eventsRedis === false || status?.state === "retrying";
    return c.json({ status: degraded ? ("degraded" as const) : ("ok" as const), checks }, 200);
  });
}
