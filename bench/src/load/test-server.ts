/**
 * A real HTTP server on loopback for the load generators' tests: it records what arrived, answers
 * 500 on /fail, and echoes POST bodies, so a test can check what the generator really sent.
 */
export function recordingServer() {
  const seen: Array<{ method: string; path: string; header: string | null; body: string }> = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      const url = new URL(req.url);
      seen.push({ method: req.method, path: `${url.pathname}${url.search}`, header: req.headers.get("x-bench"), body: await req.text() });
      return url.pathname === "/fail" ? new Response("no", { status: 500 }) : new Response("ok");
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, seen, stop: () => server.stop(true) };
}
