/**
 * RFC 9457 problem details, the one error shape msa-board answers with: one list of codes, one
 * exhaustive code → status/title table, one error class that any layer may throw.
 */
export const problemCodes = [
  "validation",
  "malformed-request",
  "unsupported-media-type",
  "unauthorized",
  "forbidden",
  "not-found",
  "method-not-allowed",
  "payload-too-large",
  "unavailable",
  "internal",
] as const;

export type ProblemCode = (typeof problemCodes)[number];

const problemTable = {
  validation: [400, "Invalid request"],
  "malformed-request": [400, "Malformed request"],
  "unsupported-media-type": [415, "Unsupported media type"],
  unauthorized: [401, "Unauthorized"],
  forbidden: [403, "Forbidden"],
  "not-found": [404, "Not found"],
  "method-not-allowed": [405, "Method not allowed"],
  "payload-too-large": [413, "Payload too large"],
  unavailable: [503, "Service unavailable"],
  internal: [500, "Internal server error"],
} as const satisfies Record<ProblemCode, readonly [number, string]>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";
export const PROBLEM_TYPE_BASE = "https://msa-board.dev/problems/";

export type ValidationIssue = { path: string; message: string };

export type ProblemBody = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ValidationIssue[];
};

export const statusOf = (code: ProblemCode): number => problemTable[code][0];

export function problemBody(code: ProblemCode, detail: string, errors?: ValidationIssue[]): ProblemBody {
  const [status, title] = problemTable[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title,
    status,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

export type ProblemInit = { errors?: ValidationIssue[]; headers?: HeadersInit; cause?: unknown };

export function problemResponse(code: ProblemCode, detail: string, init: ProblemInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", PROBLEM_CONTENT_TYPE);
  return new Response(JSON.stringify(problemBody(code, detail, init.errors)), { status: statusOf(code), headers });
}

/** Thrown anywhere while serving a request; the error handler answers it as a problem. */
export class ProblemError extends Error {
  override name = "ProblemError";

  constructor(readonly code: ProblemCode, readonly detail: string, readonly init: ProblemInit = {}) {
    super(`${code}: ${detail}`, init.cause === undefined ? undefined : { cause: init.cause });
  }

  get status(): number {
    return statusOf(this.code);
  }

  toResponse(): Response {
    return problemResponse(this.code, this.detail, this.init);
  }
}
