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
};
