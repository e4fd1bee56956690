/**
 * Envoy's command line for the gateway, beside its config file: the native stack, the image's CMD,
 * compose and Kubernetes all run these flags (the deploy drift tests hold them to it).
 */

/**
 * Worker threads (`--concurrency`). Envoy's default is one per hardware thread the machine has —
 * not the CPU a container is given. On a 2-core machine shared with every service, one worker cost
 * less Envoy CPU per proxied request than two: lower in 27 of 34 back-to-back pairs, by a median of
 * about 9 % (`npm run bench -- gateway-ablation`, gateway/README.md). Its events come batched into
 * fewer wake-ups, and nothing of the gateway's behaviour changes. Match it to the cores the gateway
 * really gets (native: GATEWAY_CONCURRENCY; Kubernetes: the container's CPU limit).
 */
export const DEFAULT_CONCURRENCY = 1;

export interface CommandOptions {
  /** Worker threads; see DEFAULT_CONCURRENCY. */
  concurrency: number;
  logLevel?: "trace" | "debug" | "info" | "warn" | "error" | "critical" | "off";
}

/** The flags after the binary: config, no hot restart (one Envoy per host/pod), workers, log level, node identity. */
export const envoyArgs = (configPath: string, { concurrency, logLevel = "warn" }: CommandOptions): string[] => {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency ${concurrency}: give a whole number of worker threads, at least 1`);
  return [
    "-c",
    configPath,
    "--disable-hot-restart",
    "--concurrency",
    String(concurrency),
    "--log-level",
    logLevel,
    "--service-node",
    "gateway",
    "--service-cluster",
    "gateway",
  ];
};
