import { isSpanContextValid, trace } from "@opentelemetry/api";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export const logLevels = ["debug", "info", "warn", "error"] as const;
const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values never reach a log line, at any depth of the fields. */
const secretKey = /pass(word)?|secret|token|authorization|cookie|private|^jwk|^d$/i;

function redact(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, secretKey.test(key) ? "[redacted]" : redact(item, depth + 1)]),
  );
}

export type LoggerOptions = {
  service: string;
  level?: LogLevel;
  /** Where a finished line goes; console.log by default (one line per record). */
  write?: (line: string) => void;
  clock?: () => Date;
  base?: LogFields;
};

/** JSON lines carrying the active trace and span ids, so a log line leads to its trace. */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = rank[options.level ?? "info"];
  const write = options.write ?? ((line: string) => console.log(line));
  const clock = options.clock ?? (() => new Date());
  const base = options.base ?? {};

  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (rank[level] < threshold) return;
    const active = trace.getActiveSpan()?.spanContext();
    const span = active && isSpanContextValid(active) ? active : undefined;
    write(JSON.stringify({
      time: clock().toISOString(),
      level,
      service: options.service,
      msg,
      ...(span ? { traceId: span.traceId, spanId: span.spanId } : {}),
      ...(redact({ ...base, ...fields }) as LogFields),
    }));
  };

  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}
