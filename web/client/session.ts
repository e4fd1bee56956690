import { recordAction } from "./actions.ts";
import { type ApiResult, type RequestOptions, request } from "./http.ts";
import { Store } from "./store.ts";

/**
 * The signed-in user. The access token lives here, in memory only: never in localStorage or a
 * readable cookie. A reload asks /session/refresh for a new one, which works through the HttpOnly
 * refresh cookie plus the CSRF token only this origin's pages can read.
 */
export type Session = {
  accessToken: string;
  expiresAt: number;
  refreshable: boolean;
  user: { id: string; name: string; role: "user" | "admin" };
};

/** `restoring` until the first refresh attempt after a page load has answered. */
export const session = new Store<{ state: "restoring" | "ready"; current: Session | null }>({ state: "restoring", current: null });

const CSRF_COOKIE = "__Secure-msa-csrf";

function csrfToken(): string | null {
  for (const part of document.cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join("="));
  }
  return null;
}

function claimsOf(token: string): Session["user"] {
  const payload = token.split(".")[1] ?? "";
  const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string; name: string; role: "user" | "admin" };
  return { id: json.sub, name: json.name, role: json.role };
}

type TokenReply = { accessToken: string; expiresIn: number; refreshable: boolean };

function begin(reply: TokenReply): void {
  session.set({
    state: "ready",
    current: {
      accessToken: reply.accessToken,
      expiresAt: Date.now() + reply.expiresIn * 1_000,
      refreshable: reply.refreshable,
      user: claimsOf(reply.accessToken),
    },
  });
}

const end = () => session.set({ state: "ready", current: null });

export async function logIn(email: string, password: string): Promise<ApiResult<TokenReply>> {
  const result = await request<TokenReply>("POST", "/session", { json: { email, password } });
  recordAction("Log in", result);
  if (result.ok && result.body) begin(result.body);
  return result;
}

let refreshing: Promise<boolean> | null = null;

/** A new access token through the refresh cookie; false when there is no session to renew. */
export function refresh(label = "Renew session"): Promise<boolean> {
  const csrf = csrfToken();
  if (!csrf) {
    if (session.get().state === "restoring") end();
    return Promise.resolve(false);
  }
  refreshing ??= request<TokenReply>("POST", "/session/refresh", { headers: { "x-csrf-token": csrf } })
    .then((result) => {
      recordAction(label, result);
      if (result.ok && result.body) begin(result.body);
      else if (result.status === 401 || result.status === 403) end();
      else if (session.get().state === "restoring") end();
      return result.ok;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

export async function logOut(): Promise<ApiResult> {
  const csrf = csrfToken();
  const result = await request("POST", "/session/logout", csrf ? { headers: { "x-csrf-token": csrf } } : {});
  recordAction("Log out", result);
  // Forget the access token here whatever users said; a cookie that survived a failure is refused later.
  end();
  return result;
}

/** The account is gone (deleted): forget the session here and drop its cookies. */
export async function forgetSession(): Promise<void> {
  end();
  await logOut();
}

export function renamed(name: string): void {
  const { current } = session.get();
  if (current) session.set({ state: "ready", current: { ...current, user: { ...current.user, name } } });
}

/**
 * An API call made by a click: with the access token when `auth`, renewed once through the
 * refresh cookie if it expired, and recorded with its trace id for the "What did this click do?" panel.
 */
export async function api<T>(label: string, method: string, path: string, options: RequestOptions & { auth?: boolean } = {}) {
  const { auth = false, ...rest } = options;
  let current = session.get().current;
  if (auth && current?.refreshable && current.expiresAt - Date.now() < 15_000) {
    await refresh();
    current = session.get().current;
  }
  let result = await request<T>(method, path, { ...rest, token: auth ? (current?.accessToken ?? null) : null });
  if (auth && result.status === 401 && current?.refreshable && (await refresh())) {
    result = await request<T>(method, path, { ...rest, token: session.get().current?.accessToken ?? null });
  }
  recordAction(label, result);
  return result;
}
