import { createRoute } from "@hono/zod-openapi";
import { requireAuth } from "@msa-board/service-kit/auth";
import type { AppDeps, UsersApp } from "../app-types.ts";
import { authProblems, problem } from "../http/schemas.ts";
import { AccountChanges } from "../users/account-changes.ts";
import { accountGone } from "./current-user.ts";

export function registerDeleteUser(app: UsersApp, deps: AppDeps): void {
  const route = createRoute({
    method: "delete",
    path: "/user",
    summary: "Delete the caller's account; emits user.deleted",
    description: "Every session (refresh token) of the account ends with it. The last admin cannot delete itself (409).",
    tags: ["users"],
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth({ verify: deps.verifyToken })] as const,
    responses: { 204: { description: "Deleted" }, ...authProblems, 409: problem("The caller is the last admin") },
  });
  const changes = new AccountChanges(deps.db, deps.events);

  app.openapi(route, async (c) => {
    if (!(await changes.delete(c.get("principal").userId))) throw accountGone();
    return c.body(null, 204);
  });
}
