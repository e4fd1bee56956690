import { createRoute, z } from "@hono/zod-openapi";
import { requireAuth } from "@msa-board/service-kit/auth";
import { jsonBody } from "@msa-board/service-kit/json-body";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { AppDeps, PostingsApp } from "../app-types.ts";
import { authProblems, bodyField, bodyProblems, jsonContent, MAX_BODY_BYTES, PostingSchema, titleField } from "../http/schemas.ts";
import { toPostingResponse } from "../postings/posting.ts";
import { PostingsRepository } from "../postings/postings-repository.ts";

const CreatePostingSchema = z.strictObject({ title: titleField, body: bodyField }).openapi("NewPosting");

export function registerCreatePosting(app: PostingsApp, deps: AppDeps): void {
  const route = createRoute({
    method: "post",
    path: "/postings",
    summary: "Post as the caller; the author's name comes from the access token",
    tags: ["postings"],
    security: [{ bearerAuth: [] }],
    middleware: [requireAuth({ verify: deps.verifyToken }), jsonBody({ maxBytes: MAX_BODY_BYTES })] as const,
    request: { body: { required: true, content: { "application/json": { schema: CreatePostingSchema } } } },
    responses: { 201: jsonContent(PostingSchema, "The new posting"), ...bodyProblems, ...authProblems },
  });

  app.openapi(route, async (c) => {
    const { title, body } = c.req.valid("json");
    const principal = c.get("principal");
    const result = await PostingsRepository.create(
      deps.db,
      { id: principal.userId, name: principal.name, tokenIssuedAt: principal.issuedAt ?? new Date(0) },
      { title, body },
    );
    if (result.kind === "author-deleted") {
      throw new ProblemError("unauthorized", "The account this access token belongs to has been deleted.");
    }
    c.header("location", `/postings/${result.posting.id}`);
    return c.json(toPostingResponse(result.posting), 201);
  });
}
