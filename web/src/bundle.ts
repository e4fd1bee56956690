import { join } from "node:path";

/** One built file, kept in memory with its gzip form. */
export type Asset = { name: string; type: string; body: Uint8Array; gzip: Uint8Array; etag: string };

/** The browser part: hashed file names (cached forever) and the page that loads them. */
export type ClientBundle = { assets: Map<string, Asset>; script: string; stylesheet: string };

const CLIENT_ENTRY = join(import.meta.dir, "..", "client", "main.tsx");

const typeOf = (name: string) => (name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8");

/**
 * Bundles client/ with Bun.build at start-up: Preact and every other import come from the
 * workspace's node_modules, so the page needs nothing from any other host and works offline.
 */
export async function buildClient(): Promise<ClientBundle> {
  const result = await Bun.build({
    entrypoints: [CLIENT_ENTRY],
    target: "browser",
    format: "esm",
    minify: true,
    naming: { entry: "[name]-[hash].[ext]", asset: "[name]-[hash].[ext]", chunk: "[name]-[hash].[ext]" },
    define: { "process.env.NODE_ENV": '"production"' },
  });
  if (!result.success) throw new AggregateError(result.logs, "the browser bundle did not build");
  const assets = new Map<string, Asset>();
  for (const output of result.outputs) {
    const name = output.path.replace(/^.*\//, "");
    const body = new Uint8Array(await output.arrayBuffer());
    assets.set(name, { name, type: typeOf(name), body, gzip: Bun.gzipSync(body, { level: 9 }), etag: `"${output.hash ?? name}"` });
  }
  const names = [...assets.keys()];
  const script = names.find((n) => n.endsWith(".js"));
  const stylesheet = names.find((n) => n.endsWith(".css"));
  if (!script || !stylesheet) throw new Error(`the browser bundle lacks a script or a stylesheet: ${names.join(", ")}`);
  return { assets, script, stylesheet };
}
