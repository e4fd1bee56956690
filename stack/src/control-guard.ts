import { sameSecret } from "./secrets.ts";

/**
 * Who may use the control API (kill, stop, roll, scale, status). It listens on loopback, but
 * loopback is not a trust boundary: any local process, and any web page open in a local browser,
 * can reach 127.0.0.1. So every request must
 * - carry the per-run token from the 0600 state file (`authorization: Bearer …`): only the stack's
 *   own user can read it;
 * - not come from a browser page: no `Origin`, and `Sec-Fetch-Site` absent or `none` (a page on
 *   another site could otherwise fire POSTs; a token it cannot read stops it too, this stops it
 *   before anything runs);
 * - name the control server itself in `Host` (a DNS-rebinding page reaches us under its own name);
 * - and a POST must say `content-type: application/json`, which no cross-site form or simple
 *   request can send without a CORS preflight (which this API never grants).
 * Returns the refusal, or null when the request may go on.
 */
export function refuseControlRequest(request: Request, expected: { token: string; port: number }): Response | null {
  const refuse = (status: number, error: string) => Response.json({ error }, { status });
  const origin = request.headers.get("origin");
  const fetchSite = request.headers.get("sec-fetch-site");
  if (origin !== null || (fetchSite !== null && fetchSite !== "none")) return refuse(403, "browser requests are not accepted");
  const host = request.headers.get("host") ?? "";
  if (host !== `127.0.0.1:${expected.port}` && host !== `localhost:${expected.port}`) return refuse(403, "unexpected Host");
  const token = /^Bearer (\S+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
  if (!token || !sameSecret(token, expected.token)) {
    return Response.json(
      { error: "missing or wrong control token (it is in the stack's stack.json)" },
      { status: 401, headers: { "www-authenticate": "Bearer" } },
    );
  }
  if (request.method === "POST") {
    const type = (request.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") return refuse(415, "POST needs content-type: application/json");
  }
  if (request.method !== "GET" && request.method !== "POST") return refuse(405, "only GET and POST");
  return null;
}
