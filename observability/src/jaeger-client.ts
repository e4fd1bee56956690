import type { JaegerResponse, JaegerTrace } from "./jaeger-api.ts";
import { buildSpanTree, type SpanTree } from "./span-tree.ts";

/** Jaeger did not answer at all (not running, wrong URL): nothing about any trace is known. */
export class JaegerUnreachableError extends Error {
  override name = "JaegerUnreachableError";
}

/** Jaeger answered with an error status other than "trace not found". */
export class JaegerApiError extends Error {
  override name = "JaegerApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type FindTracesQuery = {
  service: string;
  operation?: string;
  /** Jaeger's own default is 20. */
  limit?: number;
  /** How far back to search, in ms; Jaeger's default window is 2 days. */
  lookbackMs?: number;
};

export type WaitForTraceOptions = {
  /** Wait until at least this many spans have arrived (default 1). */
  minSpans?: number;
  /** Wait until each of these services has at least one span. */
  services?: string[];
  /** Any further condition on the assembled tree. */
  until?: (tree: SpanTree) => boolean;
  timeoutMs?: number;
  intervalMs?: number;
};

export type JaegerClient = {
  readonly baseUrl: string;
  listServices(): Promise<string[]>;
  /** The trace, or null when Jaeger has no span of it (yet). */
  getTrace(traceId: string): Promise<JaegerTrace | null>;
  findTraces(query: FindTracesQuery): Promise<JaegerTrace[]>;
  /** Polls until the trace is there and complete enough: exporters batch, so spans trickle in. */
  waitForTrace(traceId: string, options?: WaitForTraceOptions): Promise<JaegerTrace>;
};

export type JaegerClientOptions = { requestTimeoutMs?: number; fetch?: typeof fetch };

export function createJaegerClient(
  baseUrl: string,
  { requestTimeoutMs = 5_000, fetch: fetchImpl = fetch }: JaegerClientOptions = {},
): JaegerClient {
  const root = baseUrl.replace(/\/+$/, "");

  async function request<T>(path: string): Promise<{ status: number; body: JaegerResponse<T> }> {
    const url = `${root}${path}`;
    let res: Response;
    try {
      res = await fetchImpl(url, { signal: AbortSignal.timeout(requestTimeoutMs), headers: { accept: "application/json" } });
    } catch (cause) {
      throw new JaegerUnreachableError(
        `Jaeger is unreachable at ${root} (${(cause as Error).message}). Is it running? Start the stack with \`npm start\`, or pass --jaeger <url>.`,
        { cause },
      );
    }
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) as JaegerResponse<T> };
    } catch {
      throw new JaegerApiError(res.status, `${url} answered ${res.status} with something that is not Jaeger's JSON: ${text.slice(0, 200)}`);
    }
  }

  const failure = (status: number, body: JaegerResponse<unknown>, what: string) =>
    new JaegerApiError(
      status,
      `${what}: Jaeger answered ${status}${body.errors?.length ? ` (${body.errors.map((e) => e.msg).join("; ")})` : ""}`,
    );

  const client: JaegerClient = {
    baseUrl: root,

    async listServices() {
      const { status, body } = await request<string[]>("/api/services");
      if (status !== 200) throw failure(status, body, "listing services");
      return [...(body.data ?? [])].sort();
    },

    async getTrace(traceId) {
      const { status, body } = await request<JaegerTrace[]>(`/api/traces/${encodeURIComponent(traceId)}`);
      if (status === 404) return null;
      if (status !== 200) throw failure(status, body, `fetching trace ${traceId}`);
      return body.data?.[0] ?? null;
    },

    async findTraces({ service, operation, limit = 20, lookbackMs }) {
      const params = new URLSearchParams({ service, limit: String(limit) });
      if (operation) params.set("operation", operation);
      if (lookbackMs !== undefined) {
        const nowUs = Date.now() * 1_000;
        params.set("start", String(nowUs - lookbackMs * 1_000));
        params.set("end", String(nowUs));
      }
      const { status, body } = await request<JaegerTrace[]>(`/api/traces?${params}`);
      if (status !== 200) throw failure(status, body, `searching traces of ${service}`);
      return body.data ?? [];
    },

    async waitForTrace(traceId, { minSpans = 1, services = [], until, timeoutMs = 15_000, intervalMs = 200 } = {}) {
      const deadline = Date.now() + timeoutMs;
      let last: JaegerTrace | null = null;
      let lastError: unknown = null;
      const complete = (trace: JaegerTrace) => {
        const tree = buildSpanTree(trace);
        return tree.spans.length >= minSpans && services.every((s) => tree.services.includes(s)) && (until?.(tree) ?? true);
      };
      for (;;) {
        try {
          last = await client.getTrace(traceId);
          lastError = null;
          if (last && complete(last)) return last;
        } catch (error) {
          // Keep polling through a blip; report it if it never clears.
          lastError = error;
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) break;
        await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
      }
      const seen = last ? buildSpanTree(last).spans.map((s) => `${s.service}:${s.operation}`) : [];
      throw new Error(
        `trace ${traceId} not complete after ${timeoutMs} ms (wanted ≥${minSpans} spans${services.length ? `, services ${services.join(", ")}` : ""}${until ? ", custom condition" : ""}); ` +
          (lastError
            ? `last error: ${(lastError as Error).message}`
            : `Jaeger has ${seen.length ? JSON.stringify(seen) : "no span of it"}`),
      );
    },
  };
  return client;
}
