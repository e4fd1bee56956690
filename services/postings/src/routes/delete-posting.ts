import { createRoute } from "@hono/zod-openapi";
import { requireAuth } from "@msa-board/service-kit/auth";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { AppDeps, PostingsApp } from "../app-types.ts";
import { authProblems, notFound, PostingIdParams, problem } from "../http/schemas.ts";
import { postingIdOrNotFound, postingNotFound } from "../postings/posting.ts";
import { PostingsRepository } from "../postings/postings-repository.ts";

export function registerDeletePosting(app: PostingsApp, deps: AppDeps): void {
  const route = createRoute({
    method: "delete",
    path: "/postings/{id}",
    summary: "Delete a posting (its author or an admin)",
    tags: ["postings"],
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth({ verify: deps.verifyToken })] as const,
    request: { params: PostingIdParams },
    responses: {
      204: { description: "Deleted" },
      ...authProblems,
      403: problem("The caller is neither the author nor an admin"),
      404: notFound,
    },
  });
  const repository = new PostingsRepository(deps.db);

  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const principal = c.get("principal");
    const result = await repository.delete(postingIdOrNotFound(id), { userId: principal.userId, asAdmin: principal.role === "admin" });
    if (result.kind === "not-found") throw postingNotFound(id);
    if (result.kind === "forbidden") throw new ProblemError("forbidden", "Only the author or an admin may delete this posting.");
    return c.body(null, 204);
  });
}
