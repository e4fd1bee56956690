import { createRoute, z } from "@hono/zod-openapi";
import { requireAuth } from "@msa-board/service-kit/auth";
import { jsonBody } from "@msa-board/service-kit/json-body";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { AppDeps, PostingsApp } from "../app-types.ts";
import {
  authProblems,
  bodyField,
  bodyProblems,
  jsonContent,
  MAX_BODY_BYTES,
  notFound,
  PostingIdParams,
  PostingSchema,
  problem,
  titleField,
} from "../http/schemas.ts";
import { postingIdOrNotFound, postingNotFound, toPostingResponse } from "../postings/posting.ts";
import { PostingsRepository } from "../postings/postings-repository.ts";

const UpdatePostingSchema = z
  .strictObject({ title: titleField.optional(), body: bodyField.optional() })
  .refine((b) => b.title !== undefined || b.body !== undefined, { message: "Send at least one of title, body" })
  .openapi("PostingChanges", { minProperties: 1 });

export function registerUpdatePosting(app: PostingsApp, deps: AppDeps): void {
  const route = createRoute({
    method: "patch",
    path: "/postings/{id}",
    summary: "Edit a posting (its author only)",
    tags: ["postings"],
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth({ verify: deps.verifyToken }), jsonBody({ maxBytes: MAX_BODY_BYTES })] as const,
    request: {
      params: PostingIdParams,
      body: { required: true, content: { "application/json": { schema: UpdatePostingSchema } } },
    },
    responses: {
      200: jsonContent(PostingSchema, "The edited posting"),
      ...bodyProblems,
      ...authProblems,
      403: problem("The caller is not the author"),
      404: notFound,
    },
  });
  const repository = new PostingsRepository(deps.db);

  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const changes = c.req.valid("json");
    const result = await repository.update(postingIdOrNotFound(id), c.get("principal").userId, {
      ...(changes.title !== undefined ? { title: changes.title } : {}),
      ...(changes.body !== undefined ? { body: changes.body } : {}),
    });
    if (result.kind === "not-found") throw postingNotFound(id);
    if (result.kind === "forbidden") throw new ProblemError("forbidden", "Only the author may edit this posting.");
    return c.json(toPostingResponse(result.value), 200);
  });
}
