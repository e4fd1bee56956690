import { isSpanContextValid, trace } from "@opentelemetry/api";
import { safeError } from "./db/safe-error.ts";
import { standardOutput } from "./log-sink.ts";

export const logLevels = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof logLevels)[number];
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values never reach a log line, wherever they appear in the fields. */
const secretKeys = /^d$|pass(word)?|secret|token|authorization|cookie|private|hash|jwk/i;

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) {
    // A database error's message may hold the query's parameters (emails, hashes): log it without them.
    const safe = safeError(value);
    return { name: safe.name, message: safe.message, stack: safe.stack };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = secretKeys.test(k) ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

export type LoggerOptions = {
  service: string;
  level?: LogLevel;
  /** Every line, at once (tests). Default: standard output through the batching sink of log-sink.ts. */
  write?: (line: string) => void;
  clock?: () => Date;
  base?: LogFields;
};

/** JSON lines with the active trace id, so a log line leads to its trace in Jaeger. */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = levelRank[options.level ?? "info"];
  // console.log (inside the sink), not process.stdout: the same logger runs under Bun and Deno.
  const write: (line: string, level: LogLevel) => void =
    options.write ??
    ((line, level) => {
      // A warning or an error may be the last thing a failing process says: it must not wait.
      if (levelRank[level] >= levelRank.warn) standardOutput.writeNow(line);
      else standardOutput.write(line);
    });
  const clock = options.clock ?? (() => new Date());
  const base = options.base ?? {};

  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (levelRank[level] < threshold) return;
    // With tracing off (or outside any trace) the active span may be a no-op with an all-zero id: leave it out.
    const active = trace.getActiveSpan()?.spanContext();
    const spanContext = active && isSpanContextValid(active) ? active : undefined;
    const record = {
      time: clock().toISOString(),
      level,
      service: options.service,
      msg,
      ...(spanContext ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : {}),
      ...(redact({ ...base, ...fields }) as LogFields),
    };
    write(JSON.stringify(record), level);
  };

  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger({ ...options, base: { ...base, ...fields } }),
  };
}

/** Writes out what the loggers have queued; entry points call it before they exit. */
export const flushLogs = (): void => standardOutput.flush();
