import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "../app_types.ts";
import { requireAuth, requireRole } from "@msa-board/service-kit/auth";
import { jsonBody } from "@msa-board/service-kit/json-body";
import { CreateNoticeSchema, MAX_BODY_BYTES, NoticeSchema } from "../notices/notice.ts";
import { adminOnly, problems } from "./problem_responses.ts";

export const createNoticeRoute = (deps: AppDeps) =>
  createRoute({
    method: "post",
    path: "/notice",
    summary: "Publish a notice (admins)",
    security: adminOnly,
    middleware: [
      requireAuth({ verify: deps.verifyToken }),
      requireRole({ role: "admin" }),
      jsonBody({ maxBytes: MAX_BODY_BYTES }),
    ] as const,
    request: { body: { required: true, content: { "application/json": { schema: CreateNoticeSchema } } } },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: NoticeSchema } } },
      400: problems[400],
      401: problems[401],
      403: problems[403],
      413: problems[413],
      415: problems[415],
      503: problems[503],
    },
  });

export function registerCreateNotice(app: OpenAPIHono, deps: AppDeps) {
  app.openapi(createNoticeRoute(deps), async (c) => {
    const draft = c.req.valid("json");
    const notice = await deps.notices.create(draft, { id: deps.newId(), now: deps.clock() });
    deps.logger.info("notice created", { noticeId: notice.id, by: c.get("principal").userId });
    return c.json(notice, 201, { location: `/notice/${notice.id}` });
  });
}
