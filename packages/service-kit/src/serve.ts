import { flushLogs, type Logger } from "./logger.ts";

export type ServeOptions = {
  fetch: (request: Request) => Response | Promise<Response>;
  hostname: string;
  port: number;
  logger: Logger;
  /** Closed in order after in-flight requests finish: pools, clients, span exporters. */
  closers: Array<{ name: string; close: () => Promise<unknown> }>;
  /** After this long the process exits anyway, so an orchestrator's kill never has to. */
  shutdownTimeoutMs: number;
};

/**
 * Bun.serve with the shutdown every deployment expects: on SIGTERM/SIGINT stop accepting, let
 * in-flight requests finish, close what was opened, exit 0 — or exit 1 if that takes too long.
 */
export function serveGracefully(options: ServeOptions) {
  const { logger } = options;
  const server = Bun.serve({
    hostname: options.hostname,
    port: options.port,
    fetch: options.fetch,
    development: false,
  });
  logger.info("listening", { url: `http://${options.hostname}:${server.port}` });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("shutting down", { signal, inFlight: server.pendingRequests });
    const deadline = setTimeout(() => {
      logger.error("shutdown timed out; exiting", { timeoutMs: options.shutdownTimeoutMs });
      process.exit(1);
    }, options.shutdownTimeoutMs);
    deadline.unref?.();
    try {
      await server.stop(false);
      for (const closer of options.closers) {
        try {
          await closer.close();
        } catch (err) {
          logger.warn("close failed", { what: closer.name, err });
        }
      }
      logger.info("stopped");
      process.exit(0);
    } catch (err) {
      logger.error("shutdown failed", { err });
      process.exit(1);
    }
  };
  // The loggers batch their lines: whatever is still queued leaves before the process does.
  process.on("exit", flushLogs);
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  return server;
}
