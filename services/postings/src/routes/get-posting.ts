import { createRoute } from "@hono/zod-openapi";
import type { AppDeps, PostingsApp } from "../app-types.ts";
import { jsonContent, notFound, PostingIdParams, PostingSchema } from "../http/schemas.ts";
import { postingIdOrNotFound, postingNotFound, toPostingResponse } from "../postings/posting.ts";
import { PostingsRepository } from "../postings/postings-repository.ts";

export function registerGetPosting(app: PostingsApp, deps: AppDeps): void {
  const route = createRoute({
    method: "get",
    path: "/postings/{id}",
    summary: "One posting",
    tags: ["postings"],
    request: { params: PostingIdParams },
    responses: { 200: jsonContent(PostingSchema, "The posting"), 404: notFound },
  });
  const repository = new PostingsRepository(deps.db);

  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const posting = await repository.findById(postingIdOrNotFound(id));
    if (!posting) throw postingNotFound(id);
    return c.json(toPostingResponse(posting), 200);
  });
}
