import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "../app_types.ts";
import { ListQuerySchema, NoticeListSchema } from "../notices/notice.ts";
import { problems } from "./problem_responses.ts";

export const listNoticesRoute = createRoute({
  method: "get",
  path: "/notice",
  summary: "The newest notices, newest first",
  request: { query: ListQuerySchema },
  responses: {
    200: { description: "Newest first", content: { "application/json": { schema: NoticeListSchema } } },
    400: problems[400],
    503: problems[503],
  },
});

export function registerListNotices(app: OpenAPIHono, { notices }: AppDeps) {
  app.openapi(listNoticesRoute, async (c) => {
    const { limit } = c.req.valid("query");
    return c.json({ items: await notices.list(limit) }, 200);
  });
}
