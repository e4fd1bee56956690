import { z } from "@hono/zod-openapi";
import { jsonContent, ProblemSchema, problem } from "@msa-board/service-kit/openapi";
import { codePoints, documentedPattern, textField } from "@msa-board/service-kit/text-fields";

export { jsonContent, ProblemSchema, problem };

/**
 * Emails: at most 254 characters (RFC 5321), `local@domain.tld` in plain ASCII with optional spaces
 * or tabs around it (the pattern the document states), then trimmed and lower-cased.
 */
const EMAIL_PATTERN = "^[ \\t]*[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}[ \\t]*$";
const emailShape = documentedPattern(EMAIL_PATTERN);
export const emailField = z
  .string()
  .max(254)
  .refine((s) => emailShape.test(s), "Invalid email address")
  .trim()
  .toLowerCase()
  .openapi({ maxLength: 254, pattern: EMAIL_PATTERN, example: "ada@example.com" });

/** Display names: trimmed, 1–100 characters, no control characters (newlines, NULs…). */
export const nameField = textField({ maxLength: 100, example: "Ada Lovelace" });

/** Passwords: 8–128 characters, taken as given (not trimmed), NFC-normalised before hashing. */
export const newPasswordField = z
  .string()
  .refine((s) => codePoints(s) >= 8, "Must be at least 8 characters")
  .refine((s) => codePoints(s) <= 128, "Must be at most 128 characters")
  .openapi({ minLength: 8, maxLength: 128, format: "password" });

export const UserSchema = z
  .object({
    id: z.uuid().openapi({ example: "0193b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b" }),
    email: z.string().openapi({ example: "ada@example.com" }),
    name: z.string().openapi({ example: "Ada Lovelace" }),
    role: z.enum(["user", "admin"]),
    createdAt: z.string().openapi({ format: "date-time", example: "2026-01-01T12:00:00.000Z" }),
  })
  .openapi("User");

/** Errors every JSON-body route can answer with. */
export const bodyProblems = {
  400: problem("Invalid or malformed body (`errors` lists each invalid field; unknown fields are refused)"),
  413: problem("Body larger than 16 KiB"),
  415: problem("Body is not application/json"),
} as const;

export const authProblems = {
  401: problem("Missing, invalid or expired access token, or the account no longer exists"),
} as const;

export const MAX_BODY_BYTES = 16 * 1024;
