import { z } from "@hono/zod-openapi";

/**
 * String fields whose OpenAPI description says exactly what the handler accepts, so a client — or
 * a schema-driven fuzzer — can build valid values from the document alone:
 * - lengths count code points, as JSON Schema's `minLength`/`maxLength` do (not UTF-16 units);
 * - "no control characters, not blank" is a `pattern` in plain `\x`/`\u` escapes that every regex
 *   dialect reads alike (no `\p{…}` with the `u` flag, which generators cannot use).
 */

/** Unicode Cc. */
const CONTROL = "\\x00-\\x1f\\x7f-\\x9f";
/** Unicode Cc but tab, line feed and carriage return. */
const CONTROL_BUT_LINE_BREAKS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f";
/** What JavaScript's trim() removes, and Python's isspace() — a value of only these is blank. */
const SPACE = "\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";

export const codePoints = (text: string): number => {
  let n = 0;
  for (const _ of text) n++;
  return n;
};

/**
 * A regex for the handler from a document `pattern` ending in `$`. Python's `$`, which the fuzzers
 * generate with, also matches before one final newline; the handler takes that newline too (a
 * trimmed field drops it), so every value the document allows is accepted.
 */
export const documentedPattern = (pattern: string): RegExp => new RegExp(pattern.endsWith("$") ? `${pattern.slice(0, -1)}\\n?$` : pattern);

export type TextFieldOptions = {
  maxLength: number;
  /** Tab and line breaks allowed (a body), or one line (a title, a name). */
  multiline?: boolean;
  /** Drop leading and trailing white space after checking (default: single-line fields). */
  trim?: boolean;
  example?: string;
  description?: string;
};

/** Text of 1–maxLength code points, not blank, without control characters. */
export function textField({ maxLength, multiline = false, trim = !multiline, example, description }: TextFieldOptions) {
  const forbidden = multiline ? CONTROL_BUT_LINE_BREAKS : CONTROL;
  const pattern = `^[^${forbidden}]*[^${forbidden}${SPACE}][^${forbidden}]*$`;
  const valid = documentedPattern(pattern);
  const field = z
    .string()
    .refine((s) => codePoints(s) <= maxLength, `Must be at most ${maxLength} characters`)
    .refine(
      (s) => valid.test(s),
      multiline
        ? "Must not be blank or contain control characters other than tab and line breaks"
        : "Must not be blank or contain control characters",
    );
  return (trim ? field.trim() : field).openapi({
    minLength: 1,
    maxLength,
    pattern,
    ...(example ? { example } : {}),
    ...(description ? { description } : {}),
  });
}

/**
 * Bytes a JSON body may need for `codePointsTotal` characters of text fields: each may arrive as a
 * surrogate pair of `\uXXXX` escapes (12 bytes), plus room for names and punctuation.
 */
export const maxJsonBytesFor = (codePointsTotal: number): number => Math.ceil((codePointsTotal * 12 + 1024) / 1024) * 1024;
