import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/**
 * The refresh token lives only in an HttpOnly cookie scoped to the session endpoints; its CSRF
 * token in a script-readable cookie, so a reloaded page can ask for a new access token. Both are
 * `Secure` (browsers treat http://localhost as secure) and `SameSite=Strict`.
 */
export const REFRESH_COOKIE = "msa-refresh";
export const CSRF_COOKIE = "msa-csrf";
const SESSION_PATH = "/session";

export function setSessionCookies(c: Context, tokens: { refreshToken: string; csrfToken: string }, maxAgeSeconds: number): void {
  setCookie(c, REFRESH_COOKIE, tokens.refreshToken, {
    path: SESSION_PATH,
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: maxAgeSeconds,
    prefix: "secure",
  });
  setCookie(c, CSRF_COOKIE, tokens.csrfToken, { path: "/", secure: true, sameSite: "Strict", maxAge: maxAgeSeconds, prefix: "secure" });
}

export function clearSessionCookies(c: Context): void {
  deleteCookie(c, REFRESH_COOKIE, { path: SESSION_PATH, secure: true, sameSite: "Strict", httpOnly: true, prefix: "secure" });
  deleteCookie(c, CSRF_COOKIE, { path: "/", secure: true, sameSite: "Strict", prefix: "secure" });
}

export function refreshTokenOf(c: Context): string | undefined {
  return getCookie(c, REFRESH_COOKIE, "secure");
}
