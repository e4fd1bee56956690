import { useEffect, useState } from "preact/hooks";

/**
 * Pages live in the URL fragment (`/#/postings/ID`), so the gateway routes a single page path (`/`)
 * to the web part and every API path keeps its meaning; reloads and bookmarks still work.
 */
export type Route =
  | { page: "board" }
  | { page: "posting"; id: string }
  | { page: "write" }
  | { page: "edit"; id: string }
  | { page: "signup" }
  | { page: "login" }
  | { page: "profile" }
  | { page: "notices" }
  | { page: "trace"; id: string }
  | { page: "not-found"; path: string };

export function parseRoute(hash: string): Route {
  // A query after the page (`#/login?email=…`) is the page's own business.
  const path = hash.replace(/^#/, "").split("?")[0] || "/";
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) return { page: "board" };
  if (first === "postings" && second && parts.length === 2) return { page: "posting", id: second };
  if (first === "postings" && second && third === "edit" && parts.length === 3) return { page: "edit", id: second };
  if (first === "trace" && second && parts.length === 2) return { page: "trace", id: second };
  if (parts.length === 1) {
    if (first === "write") return { page: "write" };
    if (first === "signup") return { page: "signup" };
    if (first === "login") return { page: "login" };
    if (first === "profile") return { page: "profile" };
    if (first === "notices") return { page: "notices" };
  }
  return { page: "not-found", path };
}

export const href = {
  board: "#/",
  posting: (id: string) => `#/postings/${encodeURIComponent(id)}`,
  edit: (id: string) => `#/postings/${encodeURIComponent(id)}/edit`,
  write: "#/write",
  signup: "#/signup",
  login: "#/login",
  profile: "#/profile",
  notices: "#/notices",
  trace: (id: string) => `#/trace/${encodeURIComponent(id)}`,
};

export function navigate(to: string): void {
  window.location.hash = to.replace(/^#/, "");
}

/**
 * The current page, and a key that changes with every navigation (the whole fragment, query
 * included): a page keyed by it starts afresh and loads its data again.
 */
export function useRoute(): { route: Route; key: string } {
  const read = () => ({ route: parseRoute(window.location.hash), key: window.location.hash });
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
