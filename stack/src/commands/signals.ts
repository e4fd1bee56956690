/**
 * Ctrl-C reaches both the npm launcher (which forwards it) and this process: signals that arrive
 * within a short window count once. A later one, while already stopping, forces an exit.
 */
export function onShutdownSignal(handler: (signal: string) => void, { forceAfterMs = 3_000 } = {}): void {
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    const now = Date.now();
    if (firstAt === 0) {
      firstAt = now;
      handler(signal);
      return;
    }
    if (now - firstAt > forceAfterMs) {
      console.error(`\n${signal} again: exiting without waiting`);
      process.exit(130);
    }
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, onSignal);
}
