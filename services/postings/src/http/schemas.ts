import { z } from "@hono/zod-openapi";
import { jsonContent, ProblemSchema, problem } from "@msa-board/service-kit/openapi";
import { maxJsonBytesFor, textField } from "@msa-board/service-kit/text-fields";

export { jsonContent, ProblemSchema, problem };

/** Titles: one line, 1–200 characters, trimmed, no control characters. */
export const titleField = textField({ maxLength: 200, example: "Bike for sale" });

/** Bodies: taken as written (leading indentation can matter), 1–20000 characters, not blank. */
export const bodyField = textField({ maxLength: 20_000, multiline: true, trim: false, example: "Blue, 54 cm frame, barely used." });

/** Room for a title and a body at their longest, even when every character is sent as \uXXXX escapes. */
export const MAX_BODY_BYTES = maxJsonBytesFor(200 + 20_000);

export const PostingSchema = z
  .object({
    id: z.string().openapi({ description: "Opaque id (a UUIDv7 today)", example: "01939a4b-5c6d-7e8f-9a0b-1c2d3e4f5a6b" }),
    title: z.string(),
    body: z.string(),
    authorId: z.string(),
    authorName: z.string().openapi({ description: "The author's current name; follows renames within seconds" }),
    createdAt: z.string().openapi({ format: "date-time", example: "2026-01-01T12:00:00.000Z" }),
    updatedAt: z.string().openapi({ format: "date-time", example: "2026-01-01T12:00:00.000Z" }),
  })
  .openapi("Posting");

export const bodyProblems = {
  400: problem("Malformed JSON or invalid fields (`errors` lists each one; unknown fields are refused)"),
  413: problem(`Body larger than ${MAX_BODY_BYTES / 1024} KiB`),
  415: problem("Body is not application/json"),
} as const;

export const authProblems = {
  401: problem("Missing, invalid or expired access token, or the account was deleted"),
} as const;

export const notFound = problem("No posting with this id");

/** Path parameter: any string; one that cannot be a posting id is simply not found. */
export const PostingIdParams = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, example: "01939a4b-5c6d-7e8f-9a0b-1c2d3e4f5a6b" }),
});
