import { z } from "@hono/zod-openapi";

/** The RFC 9457 body every error uses, as it appears in each service's OpenAPI document. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "https://msa-board.dev/problems/validation" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

/** An OpenAPI response that is a problem document. */
export const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** An OpenAPI JSON request or response body. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
