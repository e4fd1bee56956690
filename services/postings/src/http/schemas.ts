import { z } from "@hono/zod-openapi";
import { jsonContent, ProblemSchema, problem } from "@msa-board/service-kit/openapi";

export { jsonContent, ProblemSchema, problem };

/** Control characters other than tab, newline and carriage return (PostgreSQL refuses NUL outright). */
function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

/** Titles: one line, trimmed, 1–200 characters. */
export const titleField = z
  .string()
  .trim()
  .min(1, "Must not be empty")
  .max(200, "Must be at most 200 characters")
  .regex(/^[^\p{Cc}]*$/u, "Must not contain control characters")
  .openapi({ minLength: 1, maxLength: 200, example: "Bike for sale" });

/** Bodies: taken as written (leading indentation can matter), 1–20000 characters, not blank. */
export const bodyField = z
  .string()
  .max(20_000, "Must be at most 20000 characters")
  .refine((s) => s.trim().length > 0, "Must not be blank")
  .refine((s) => !hasControlCharacters(s), "Must not contain control characters other than tab and newline")
  .openapi({ minLength: 1, maxLength: 20_000, example: "Blue, 54 cm frame, barely used." });

/** Room for 20000 characters even when each is sent as a \uXXXX escape, and a title. */
export const MAX_BODY_BYTES = 128 * 1024;

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
  413: problem("Body larger than 128 KiB"),
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
