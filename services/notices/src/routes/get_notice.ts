import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "../app_types.ts";
import { IdParamSchema, isNoticeId, NoticeSchema } from "../notices/notice.ts";
import { noticeNotFound } from "./not_found.ts";
import { problems } from "./problem_responses.ts";

export const getNoticeRoute = createRoute({
  method: "get",
  path: "/notice/{id}",
  summary: "One notice",
  request: { params: IdParamSchema },
  responses: {
    200: { description: "The notice", content: { "application/json": { schema: NoticeSchema } } },
    404: problems[404],
    503: problems[503],
  },
});

export function registerGetNotice(app: OpenAPIHono, { notices }: AppDeps) {
  app.openapi(getNoticeRoute, async (c) => {
    const { id } = c.req.valid("param");
    const notice = isNoticeId(id) ? await notices.get(id) : null;
    if (!notice) throw noticeNotFound(id);
    return c.json(notice, 200);
  });
}
