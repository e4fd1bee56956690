import { createJaegerClient } from "@msa-board/observability";
import { createLogger } from "@msa-board/service-kit/logger";
import type { Tracer } from "@opentelemetry/api";
import type { Hono } from "hono";
import { createApp } from "../app.ts";
import { buildClient, type ClientBundle } from "../bundle.ts";
import { createUsersClient } from "../session/users-client.ts";

export const CSRF_SECRET = "test-csrf-secret-0123456789";
/** Where the board is served from, as the browser sends it (Host) and names it (Origin). */
export const HOST = "localhost:8080";
export const ORIGIN = `http://${HOST}`;

let bundle: Promise<ClientBundle> | undefined;

/** The app with a real browser bundle, users at `usersUrl`, Jaeger at `jaegerUrl`. */
export async function testApp({
  usersUrl,
  jaegerUrl = "http://127.0.0.1:9",
  jaegerUiUrl,
  tracer,
}: {
  usersUrl: string;
  jaegerUrl?: string;
  jaegerUiUrl?: string;
  tracer?: Tracer;
}): Promise<Hono> {
  bundle ??= buildClient();
  return createApp({
    bundle: await bundle,
    users: createUsersClient(usersUrl, { timeoutMs: 2_000 }),
    jaeger: createJaegerClient(jaegerUrl, { requestTimeoutMs: 1_000 }),
    ...(jaegerUiUrl ? { jaegerUiUrl } : {}),
    csrfSecret: CSRF_SECRET,
    sessionCookieMaxAgeSeconds: 3600,
    logger: createLogger({ service: "web", level: "error", write: () => {} }),
    ...(tracer ? { tracer } : {}),
  });
}

/** Cookies a response sets, by name: value and attributes as the browser would keep them. */
export function setCookies(response: Response): Map<string, { value: string; attributes: string[] }> {
  const cookies = new Map<string, { value: string; attributes: string[] }>();
  for (const line of response.headers.getSetCookie()) {
    const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
    const eq = pair.indexOf("=");
    cookies.set(pair.slice(0, eq), { value: decodeURIComponent(pair.slice(eq + 1)), attributes: attributes.map((a) => a.toLowerCase()) });
  }
  return cookies;
}
