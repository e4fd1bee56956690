import { createRoute, z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE, problemBody } from "@msa-board/service-kit/problem";
import type { AppDeps, UsersApp } from "../app-types.ts";
import { type OutboxBacklog, OutboxRepository } from "../events/outbox-repository.ts";
import { jsonContent, ProblemSchema } from "../http/schemas.ts";

const ChecksSchema = z.object({
  database: z.enum(["ok", "down"]),
  eventsRedis: z.enum(["ok", "down", "not-used"]),
  outbox: z.object({ backlog: z.number().int(), oldestUnpublishedAgeMs: z.number().int().nullable() }).nullable(),
  relay: z.object({ state: z.string(), outageSince: z.string().nullable(), lastError: z.string().nullable() }).nullable(),
});

const HealthSchema = z.object({ status: z.enum(["ok", "degraded"]), checks: ChecksSchema }).openapi("Health");

export const healthzRoute = createRoute({
  method: "get",
  path: "/healthz",
  summary: "Readiness: 200 while the database answers (degraded if the events Redis does not), else 503",
  tags: ["operations"],
  responses: {
    200: jsonContent(HealthSchema, "Serving; `status` is `degraded` when events cannot be published right now"),
    503: {
      description: "The database does not answer",
      content: { "application/problem+json": { schema: ProblemSchema.extend({ checks: ChecksSchema }) } },
    },
  },
});

const CHECK_TIMEOUT_MS = 1_000;

export function registerHealthz(app: UsersApp, { db, health }: AppDeps): void {
  const outbox = new OutboxRepository(db);
  app.openapi(healthzRoute, async (c) => {
    const [database, eventsRedis] = await Promise.all([health.database(), health.eventsRedis?.() ?? null]);
    const backlog = database ? await within(outbox.backlog(), CHECK_TIMEOUT_MS) : null;
    const relay = health.relay?.() ?? null;
    const checks = {
      database: database ? "ok" : "down",
      eventsRedis: eventsRedis === null ? "not-used" : eventsRedis ? "ok" : "down",
      outbox: backlog,
      relay: relay && { state: relay.state, outageSince: relay.outageSince, lastError: relay.lastError },
    } as const;
    c.header("cache-control", "no-store");
    if (!database) {
      const body = { ...problemBody("unavailable", "The users database does not answer."), checks };
      return new Response(JSON.stringify(body), {
        status: 503,
        headers: { "content-type": PROBLEM_CONTENT_TYPE, "cache-control": "no-store" },
      }) as never;
    }
    // Sign-up and login need only the database; events wait in the outbox until Redis is back.
    const status: "ok" | "degraded" = eventsRedis !== false && relay?.state !== "retrying" ? "ok" : "degraded";
    return c.json({ status, checks }, 200);
  });
}

async function within(query: Promise<OutboxBacklog>, ms: number): Promise<OutboxBacklog | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([query, timeout]);
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
