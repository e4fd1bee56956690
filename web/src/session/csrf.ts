import { createHmac, timingSafeEqual } from "node:crypto";
import { ProblemError } from "@msa-board/service-kit/problem";
import type { MiddlewareHandler } from "hono";

/**
 * Signed double-submit: the CSRF token is an HMAC of the refresh token, so only a page that could
 * read the (script-readable) CSRF cookie can send the matching header, and a cookie planted by
 * someone else never matches without the server's secret.
 */
export function csrfTokenFor(secret: string, refreshToken: string): string {
  return createHmac("sha256", secret).update("msa-board csrf\0").update(refreshToken).digest("base64url");
}

export function csrfTokenMatches(secret: string, refreshToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(secret, refreshToken));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export const CSRF_HEADER = "x-csrf-token";

/**
 * Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`); a cross-site one never
 * reaches the session endpoints. Clients that send neither (curl, tests) are not browsers and
 * cannot be tricked into sending a cookie.
 */
export const requireSameOrigin = (): MiddlewareHandler =>
  async function requireSameOrigin(c, next) {
    const site = c.req.header("sec-fetch-site");
    if (site !== undefined && site !== "same-origin" && site !== "none") {
      throw new ProblemError("forbidden", "Session requests must come from the board's own pages.");
    }
    const origin = c.req.header("origin");
    if (origin !== undefined) {
      let originHost: string | null;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = null;
      }
      if (originHost !== c.req.header("host")) {
        throw new ProblemError("forbidden", "Session requests must come from the board's own pages.");
      }
    }
    await next();
  };
