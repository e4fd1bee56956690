import { z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE } from "../http/problem.ts";

const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://msa-board.dev/problems/not-found" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problem = (description: string) => ({
  description,
  content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
});

/** The problem responses routes declare in the OpenAPI document. */
export const problems = {
  400: problem("Invalid or malformed request"),
  401: problem("Missing, malformed or invalid access token"),
  403: problem("The token is valid but not an admin's"),
  404: problem("No such notice"),
  413: problem("Request body too large"),
  415: problem("Request body is not JSON"),
  503: problem("The notices store is unavailable"),
} as const;

export const adminOnly = [{ bearer: [] }];
