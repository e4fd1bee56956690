import type { ModuleName } from "./config.ts";

export type Closer = { name: string; close: () => Promise<unknown> };

/**
 * One module as a host process runs it: its own Hono app (the same `createApp` its service serves),
 * called in-process, and what to close on shutdown. `/healthz` of the app is the module's readiness.
 */
export type HostedModule = {
  name: ModuleName;
  fetch: (request: Request) => Response | Promise<Response>;
  closers: Closer[];
  /**
   * Paths the module serves on the process's own port besides its public routes, e.g. its fault
   * control when started with its fault flag. Never in the gateway's route table.
   */
  internalPaths?: string[];
};
