import { createRoute, z } from "@hono/zod-openapi";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { AppDeps, PostingsApp } from "../app-types.ts";
import { jsonContent, PostingSchema, problem } from "../http/schemas.ts";
import { toPostingResponse } from "../postings/posting.ts";
import { PostingsRepository } from "../postings/postings-repository.ts";

export const DEFAULT_PAGE_SIZE = 20;

const ListQuery = z.object({
  limit: z
    .string()
    .regex(/^\d{1,3}$/, "Must be an integer from 1 to 100")
    .transform(Number)
    .pipe(z.number().int().min(1, "Must be an integer from 1 to 100").max(100, "Must be an integer from 1 to 100"))
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, type: "integer", minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE }),
  cursor: z
    .string()
    .max(200, "Not a cursor from this service")
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, description: "`nextCursor` of the previous page, as given" }),
});

const PageSchema = z
  .object({
    items: z.array(PostingSchema),
    nextCursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page; null on the last page" }),
  })
  .openapi("PostingPage");

export function registerListPostings(app: PostingsApp, deps: AppDeps): void {
  const route = createRoute({
    method: "get",
    path: "/postings",
    summary: "Postings newest first, one page at a time",
    tags: ["postings"],
    request: { query: ListQuery },
    responses: {
      200: jsonContent(PageSchema, "A page; `nextCursor` is null on the last one"),
      400: problem("Bad `limit`, or a `cursor` this service did not issue (garbage or tampered)"),
    },
  });
  const repository = new PostingsRepository(deps.db);

  app.openapi(route, async (c) => {
    const query = c.req.valid("query");
    const after = query.cursor === undefined ? null : deps.cursors.decode(query.cursor);
    if (query.cursor !== undefined && after === null) {
      throw new ProblemError("validation", "The query string is invalid.", {
        errors: [{ path: "cursor", message: "Not a cursor from this service; pass nextCursor exactly as given, or omit it for page 1" }],
      });
    }
    const page = await repository.page({ limit: query.limit ?? DEFAULT_PAGE_SIZE, after });
    return c.json({ items: page.items.map(toPostingResponse), nextCursor: page.next && deps.cursors.encode(page.next) }, 200);
  });
}
