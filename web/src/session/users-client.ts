import { context, propagation } from "@opentelemetry/api";

/** What users answered: its status, its JSON (a token pair or a problem) and headers worth passing on. */
export type UsersReply = { status: number; body: unknown; retryAfter: string | null };

export type UsersClient = {
  login(credentials: { email: string; password: string }): Promise<UsersReply>;
  refresh(refreshToken: string): Promise<UsersReply>;
  logout(refreshToken: string): Promise<UsersReply>;
};

export class UsersUnreachableError extends Error {
  override name = "UsersUnreachableError";
}

/**
 * The three session calls of the contract (`POST /login`, `/token/refresh`, `/logout`), sent with
 * the active trace context so users' work joins the trace of the click that caused it.
 */
export function createUsersClient(baseUrl: string, { timeoutMs = 12_000, fetch: fetchImpl = fetch } = {}): UsersClient {
  const root = baseUrl.replace(/\/+$/, "");
  async function post(path: string, json: unknown): Promise<UsersReply> {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    propagation.inject(context.active(), headers);
    let res: Response;
    try {
      res = await fetchImpl(`${root}${path}`, {
        method: "POST",
        headers,
        body: JSON.stringify(json),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new UsersUnreachableError(`users is unreachable at ${root}`, { cause });
    }
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    return { status: res.status, body, retryAfter: res.headers.get("retry-after") };
  }
  return {
    login: (credentials) => post("/login", credentials),
    refresh: (refreshToken) => post("/token/refresh", { refreshToken }),
    logout: (refreshToken) => post("/logout", { refreshToken }),
  };
}
