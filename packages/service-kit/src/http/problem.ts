/**
 * RFC 9457 problem details: the one error shape every msa-board response uses.
 * One enum of codes, one exhaustive code → status table, one error class.
 */
export const problemCodes = [
  "validation",
  "malformed-request",
  "unsupported-media-type",
  "unauthorized",
  "forbidden",
  "not-found",
  "method-not-allowed",
  "conflict",
  "payload-too-large",
  "rate-limited",
  "unavailable",
  "timeout",
  "internal",
] as const;

export type ProblemCode = (typeof problemCodes)[number];

const codeToStatus = {
  validation: 400,
  "malformed-request": 400,
  "unsupported-media-type": 415,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  "method-not-allowed": 405,
  conflict: 409,
  "payload-too-large": 413,
  "rate-limited": 429,
  unavailable: 503,
  timeout: 504,
  internal: 500,
} as const satisfies Record<ProblemCode, number>;

const codeToTitle = {
  validation: "Invalid request",
  "malformed-request": "Malformed request",
  "unsupported-media-type": "Unsupported media type",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  "not-found": "Not found",
  "method-not-allowed": "Method not allowed",
  conflict: "Conflict",
  "payload-too-large": "Payload too large",
  "rate-limited": "Too many requests",
  unavailable: "Service unavailable",
  timeout: "Timeout",
  internal: "Internal server error",
} as const satisfies Record<ProblemCode, string>;

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

export function statusOf(code: ProblemCode): number {
  return codeToStatus[code];
}

export function problemBody(code: ProblemCode, detail: string, errors?: ValidationIssue[]): ProblemBody {
  return {
    type: `${PROBLEM_TYPE_BASE}${code}`,
    title: codeToTitle[code],
    status: codeToStatus[code],
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** Extras of a problem: validation issues, headers (a challenge, Retry-After), and the cause for the logs. */
export type ProblemInit = { errors?: ValidationIssue[] | undefined; headers?: HeadersInit | undefined; cause?: unknown };

export function problemResponse(code: ProblemCode, detail: string, init: ProblemInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", PROBLEM_CONTENT_TYPE);
  return new Response(JSON.stringify(problemBody(code, detail, init.errors)), {
    status: statusOf(code),
    headers,
  });
}

/** Thrown anywhere in a request; the error handler turns it into a problem response. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly detail: string;
  readonly errors: ValidationIssue[] | undefined;
  readonly headers: HeadersInit | undefined;

  constructor(code: ProblemCode, detail: string, options: ProblemInit = {}) {
    super(`${code}: ${detail}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProblemError";
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers;
  }

  get status(): number {
    return statusOf(this.code);
  }

  toResponse(): Response {
    return problemResponse(this.code, this.detail, { errors: this.errors, headers: this.headers });
  }
}
