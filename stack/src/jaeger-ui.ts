/**
 * Jaeger built from its Go module (what `npm start` installs) serves its HTTP API and only a
 * placeholder page where the UI would be; say which one this is rather than promise a UI.
 */
export async function jaegerBannerLine(port: number): Promise<string> {
  const page = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) })
    .then((res) => res.text())
    .catch(() => "");
  if (page && !page.includes("placeholder for the Jaeger UI")) return `  Jaeger UI + HTTP API            http://localhost:${port}`;
  return [
    `  Jaeger HTTP API                 http://localhost:${port}/api/traces?service=postings`,
    "                                  (no Jaeger UI here: this Jaeger is built without it and shows a placeholder",
    '                                  page; see observability/README.md "Jaeger with its UI")',
  ].join("\n");
}
