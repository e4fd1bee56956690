import { userEventHandlers } from "@msa-board/postings/module";
import { createTokenVerifier, remoteKeySet } from "@msa-board/service-kit/auth";
import type { Logger } from "@msa-board/service-kit/logger";
import type { Tracer } from "@opentelemetry/api";
import type { JWTVerifyGetKey } from "jose";
import type { Config, ModuleName } from "../config.ts";
import type { HostedModule } from "../hosted-module.ts";
import { inProcessEvents } from "../in-process-events.ts";
import { startNoticesModule } from "./notices.ts";
import { POSTINGS_SCHEMA, startPostingsModule } from "./postings.ts";
import { startUsersModule, USERS_SCHEMA } from "./users.ts";

export type ModuleContext = { loggerFor: (module: ModuleName) => Logger; tracer: Tracer; base: Record<string, unknown> };

/**
 * Starts the modules named in MODULES, users first: it holds the signing keys the others check
 * tokens with (in-process, no JWKS fetch). On a failure, what already started is closed again.
 */
export async function startModules(config: Config, { loggerFor, tracer, base }: ModuleContext): Promise<HostedModule[]> {
  const hosted = new Set(config.MODULES);
  const modules: HostedModule[] = [];
  try {
    let keys: JWTVerifyGetKey = remoteKeySet(config.JWKS_URL);
    if (hosted.has("users")) {
      const events = inProcessEvents({
        publisherSchema: USERS_SCHEMA,
        subscribers: [{ module: "postings", schema: POSTINGS_SCHEMA, handlers: userEventHandlers }],
        tracer,
      });
      const users = await startUsersModule(config, { logger: loggerFor("users"), tracer, events });
      modules.push(users);
      keys = users.keys;
    }
    const verifyToken = createTokenVerifier({ keys, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
    if (hosted.has("postings")) modules.push(await startPostingsModule(config, { logger: loggerFor("postings"), tracer, verifyToken }));
    if (hosted.has("notices")) modules.push(startNoticesModule(config, { tracer, keys, base }));
    return modules;
  } catch (err) {
    for (const closer of modules.flatMap((m) => m.closers)) await closer.close().catch(() => {});
    throw err;
  }
}
