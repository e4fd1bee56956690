import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "../app_types.ts";
import { requireAuth, requireRole } from "@msa-board/service-kit/auth";
import { jsonBody } from "@msa-board/service-kit/json-body";
import { IdParamSchema, isNoticeId, MAX_BODY_BYTES, NoticeSchema, UpdateNoticeSchema } from "../notices/notice.ts";
import { noticeNotFound } from "./not_found.ts";
import { adminOnly, problems } from "./problem_responses.ts";

export const updateNoticeRoute = (deps: AppDeps) =>
  createRoute({
    method: "patch",
    path: "/notice/{id}",
    summary: "Change a notice's title and/or body (admins)",
    security: adminOnly,
    middleware: [
      requireAuth({ verify: deps.verifyToken }),
      requireRole({ role: "admin" }),
      jsonBody({ maxBytes: MAX_BODY_BYTES }),
    ] as const,
    request: {
      params: IdParamSchema,
      body: { required: true, content: { "application/json": { schema: UpdateNoticeSchema } } },
    },
    responses: {
      200: { description: "The updated notice", content: { "application/json": { schema: NoticeSchema } } },
      400: problems[400],
      401: problems[401],
      403: problems[403],
      404: problems[404],
      413: problems[413],
      415: problems[415],
      503: problems[503],
    },
  });

export function registerUpdateNotice(app: OpenAPIHono, deps: AppDeps) {
  app.openapi(updateNoticeRoute(deps), async (c) => {
    const { id } = c.req.valid("param");
    const patch = c.req.valid("json");
    const notice = isNoticeId(id) ? await deps.notices.update(id, patch, deps.clock()) : null;
    if (!notice) throw noticeNotFound(id);
    deps.logger.info("notice updated", { noticeId: id, by: c.get("principal").userId });
    return c.json(notice, 200);
  });
}
