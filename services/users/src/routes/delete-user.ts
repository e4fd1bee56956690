import { createRoute } from "@hono/zod-openapi";
import { requireAuth } from "@msa-board/service-kit/auth";
import type { AppDeps, UsersApp } from "../app-types.ts";
import { authProblems } from "../http/schemas.ts";
import { AccountChanges } from "../users/account-changes.ts";
import { accountGone } from "./current-user.ts";

export function registerDeleteUser(app: UsersApp, deps: AppDeps): void {
  const route = createRoute({
    method: "delete",
    path: "/user",
    summary: "Delete the caller's account; emits user.deleted",
    tags: ["users"],
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth({ verify: deps.verifyToken })] as const,
    responses: { 204: { description: "Deleted" }, ...authProblems },
  });
  const changes = new AccountChanges(deps.db, deps.events);

  app.openapi(route, async (c) => {
    if (!(await changes.delete(c.get("principal").userId))) throw accountGone();
    return c.body(null, 204);
  });
}
