import { ProblemError } from "@msa-board/service-kit/problem";
import type { Context, Hono } from "hono";
import type { AppDeps } from "../app-types.ts";
import type { Asset, ClientBundle } from "../bundle.ts";

/** Nothing but this origin: no inline script, no CDN, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join("; ");

export function shell(bundle: ClientBundle): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>msa-board</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/${bundle.stylesheet}">
<script type="module" src="/assets/${bundle.script}"></script>
</head>
<body>
<div id="app"><main><h1>msa-board</h1><noscript><p>The board needs JavaScript: every page here is drawn by a small script served from this same address.</p></noscript></main></div>
</body>
</html>
`;
}

const accepts = (c: Context, encoding: string) => (c.req.header("accept-encoding") ?? "").toLowerCase().includes(encoding);

function sendAsset(c: Context, asset: Asset, cacheControl: string): Response {
  c.header("content-type", asset.type);
  c.header("cache-control", cacheControl);
  c.header("etag", asset.etag);
  c.header("vary", "accept-encoding");
  c.header("x-content-type-options", "nosniff");
  if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304);
  if (accepts(c, "gzip")) {
    c.header("content-encoding", "gzip");
    return c.body(asset.gzip as Uint8Array<ArrayBuffer>);
  }
  return c.body(asset.body as Uint8Array<ArrayBuffer>);
}

export function registerPages(app: Hono, { bundle }: AppDeps): void {
  const html = new TextEncoder().encode(shell(bundle));
  const page: Asset = {
    name: "index.html",
    type: "text/html; charset=utf-8",
    body: html,
    gzip: Bun.gzipSync(html, { level: 9 }),
    etag: `"${Bun.hash(html).toString(36)}"`,
  };

  app.get("/", (c) => {
    c.header("content-security-policy", CONTENT_SECURITY_POLICY);
    c.header("referrer-policy", "no-referrer");
    c.header("x-frame-options", "DENY");
    // Always revalidated: it names the current hashed assets.
    return sendAsset(c, page, "no-cache");
  });

  app.get("/assets/:name", (c) => {
    const asset = bundle.assets.get(c.req.param("name"));
    if (!asset) throw new ProblemError("not-found", `There is no asset ${c.req.param("name")}.`);
    return sendAsset(c, asset, "public, max-age=31536000, immutable");
  });
}
