import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppDeps } from "../app_types.ts";
import { requireAuth, requireRole } from "@msa-board/service-kit/auth";
import { IdParamSchema, isNoticeId } from "../notices/notice.ts";
import { noticeNotFound } from "./not_found.ts";
import { adminOnly, problems } from "./problem_responses.ts";

export const deleteNoticeRoute = (deps: AppDeps) =>
  createRoute({
    method: "delete",
    path: "/notice/{id}",
    summary: "Remove a notice (admins)",
    security: adminOnly,
    middleware: [requireAuth({ verify: deps.verifyToken }), requireRole({ role: "admin" })] as const,
    request: { params: IdParamSchema },
    responses: {
      204: { description: "Deleted" },
      401: problems[401],
      403: problems[403],
      404: problems[404],
      503: problems[503],
    },
  });

export function registerDeleteNotice(app: OpenAPIHono, deps: AppDeps) {
  app.openapi(deleteNoticeRoute(deps), async (c) => {
    const { id } = c.req.valid("param");
    const removed = isNoticeId(id) && await deps.notices.remove(id);
    if (!removed) throw noticeNotFound(id);
    deps.logger.info("notice deleted", { noticeId: id, by: c.get("principal").userId });
    return c.body(null, 204);
  });
}
