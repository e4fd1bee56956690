import { ConfigError } from "./env.ts";
import { createLogger, flushLogs, type Logger, type LogLevel } from "./logger.ts";
import { trimWhenIdle } from "./memory/idle-trim.ts";
import { startTracing, type Tracing } from "./tracing/provider.ts";

/** What every entry point's configuration carries, whatever else it holds. */
export type CommonConfig = { LOG_LEVEL: LogLevel; OTEL_EXPORTER_OTLP_ENDPOINT?: string; OTEL_SDK_DISABLED: boolean };

export type Bootstrapped<C> = { config: C; logger: Logger; tracing: Tracing; instance: Record<string, string> };

/**
 * The first lines of every Bun entry point: the configuration from the environment (a bad one is a
 * one-line message and exit 1, never a stack trace), the JSON logger (with the replica's
 * INSTANCE_NAME on every line, and written out however the process exits), the tracer provider, and
 * the trim that gives a burst's memory back once the process has gone quiet (memory/idle-trim.ts).
 */
export function bootstrap<C extends CommonConfig>(
  service: string,
  loadConfig: (env: Record<string, string | undefined>) => C,
): Bootstrapped<C> {
  let config: C;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`${service}: ${err.message}`);
    process.exit(1);
  }
  // The loggers batch their lines: whatever is still queued leaves before the process does.
  process.on("exit", flushLogs);
  const instance: Record<string, string> = process.env.INSTANCE_NAME ? { instance: process.env.INSTANCE_NAME } : {};
  const logger = createLogger({ service, level: config.LOG_LEVEL, base: instance });
  const tracing = startTracing({
    serviceName: service,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    enabled: !config.OTEL_SDK_DISABLED,
  });
  trimWhenIdle({ onTrim: () => logger.info("quiet after a burst of work: compiled code and free heap pages given back") });
  return { config, logger, tracing, instance };
}
