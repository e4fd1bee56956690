import { parseArgs } from "node:util";

export const DEFAULT_JAEGER_URL = "http://127.0.0.1:16686";

export const USAGE = `Prints a trace from Jaeger as a waterfall.

usage:
  trace <trace-id>             the trace with this id (the x-trace-id response header)
  trace --last <service>       the most recent trace with a span of <service>

options:
  --jaeger <url>               Jaeger query API (default: $JAEGER_URL or ${DEFAULT_JAEGER_URL})
  --lookback <duration>        how far back --last searches: 30s, 15m, 1h, 2d (default 1h)
  --width <cells>              width of the timing bars (default: fits the terminal)
  --no-color                   plain text even on a terminal (also NO_COLOR=1)
  -h, --help                   this text`;

export type TraceCliArgs =
  | { kind: "help" }
  | { kind: "trace"; traceId: string; jaegerUrl: string; barWidth: number | null; color: boolean | null }
  | { kind: "last"; service: string; lookbackMs: number; jaegerUrl: string; barWidth: number | null; color: boolean | null };

/** Bad arguments: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!match) throw new UsageError(`not a duration: ${JSON.stringify(text)} (use e.g. 30s, 15m, 1h, 2d)`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** The inverse of parseDuration, in the largest whole unit. */
export function formatDuration(ms: number): string {
  const [unit, size] = Object.entries(UNIT_MS)
    .reverse()
    .find(([, size]) => ms % size === 0) ?? ["ms", 1];
  return `${ms / size}${unit}`;
}

export function parseTraceCliArgs(argv: string[], env: Record<string, string | undefined> = process.env): TraceCliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return { kind: "help" };
  const common = {
    jaegerUrl: values.jaeger ?? env.JAEGER_URL ?? DEFAULT_JAEGER_URL,
    barWidth: values.width === undefined ? null : parseWidth(values.width),
    color: values["no-color"] ? false : null,
  };
  if (values.last !== undefined) {
    if (positionals.length) throw new UsageError("give either a trace id or --last <service>, not both");
    return { kind: "last", service: values.last, lookbackMs: parseDuration(values.lookback ?? "1h"), ...common };
  }
  if (positionals.length !== 1)
    throw new UsageError(positionals.length ? "one trace id at a time" : "which trace? give a trace id or --last <service>");
  const traceId = (positionals[0] as string).toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(traceId))
    throw new UsageError(`not a trace id: ${JSON.stringify(positionals[0])} (expected up to 32 hex digits)`);
  return { kind: "trace", traceId, ...common };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      last: { type: "string" },
      jaeger: { type: "string" },
      lookback: { type: "string" },
      width: { type: "string" },
      "no-color": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function parseWidth(text: string): number {
  const width = Number(text);
  if (!Number.isInteger(width) || width < 4 || width > 400)
    throw new UsageError(`--width wants a whole number of cells from 4 to 400, got ${JSON.stringify(text)}`);
  return width;
}
