/** RFC 9457 problem details, as every msa-board error comes. */
export type Problem = { type?: string; title: string; status: number; detail: string; errors?: { path: string; message: string }[] };

export type ApiResult<T = unknown> = {
  ok: boolean;
  /** 0 when nothing answered at all. */
  status: number;
  method: string;
  path: string;
  body: T | undefined;
  problem: Problem | null;
  /** The gateway's `x-trace-id`: the trace this call started. */
  traceId: string | null;
  retryAfter: string | null;
};

export type RequestOptions = { json?: unknown; token?: string | null; headers?: Record<string, string> };

/** One call to this origin (the gateway): API routes and the web part's own /session and /traces. */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.json !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
    });
  } catch {
    const problem = { title: "No answer", status: 0, detail: "The board's gateway did not answer." };
    return { ok: false, status: 0, method, path, body: undefined, problem, traceId: null, retryAfter: null };
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const isProblem = (res.headers.get("content-type") ?? "").includes("problem+json") || (!res.ok && parsed !== undefined);
  return {
    ok: res.ok,
    status: res.status,
    method,
    path,
    body: res.ok ? (parsed as T) : undefined,
    problem: res.ok ? null : isProblem ? (parsed as Problem) : { title: res.statusText || "Error", status: res.status, detail: "" },
    traceId: res.headers.get("x-trace-id"),
    retryAfter: res.headers.get("retry-after"),
  };
}
