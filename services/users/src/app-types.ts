import type { OpenAPIHono } from "@hono/zod-openapi";
import type { TokenVerifier } from "@msa-board/service-kit/auth";
import type { Liveness } from "@msa-board/service-kit/liveness";
import type { Logger } from "@msa-board/service-kit/logger";
import type { Tracer } from "@opentelemetry/api";
import type { Database } from "./db/client.ts";
import type { RelayStatus } from "./events/outbox-relay.ts";
import type { EventPublisher } from "./events/publisher.ts";
import type { SigningKeyStore } from "./keys/signing-key-store.ts";
import type { TokenIssuer } from "./keys/token-issuer.ts";
import type { LoginThrottle } from "./sessions/login-throttle.ts";
import type { RefreshTokens } from "./sessions/refresh-tokens.ts";
import type { PasswordHasher } from "./users/passwords.ts";

export type UsersApp = OpenAPIHono;

/** Everything the HTTP layer needs, built once in main.ts (or a test harness) and handed in. */
export type AppDeps = {
  db: Database;
  passwords: PasswordHasher;
  keys: Pick<SigningKeyStore, "jwks">;
  issueToken: TokenIssuer;
  verifyToken: TokenVerifier;
  /** Where user.updated / user.deleted go, in the change's transaction; the outbox unless a host wires another. */
  events?: EventPublisher;
  health: {
    database: () => Promise<boolean>;
    /** Absent where events do not travel through Redis (the monolith shape). */
    eventsRedis?: () => Promise<boolean>;
    relay?: () => RelayStatus;
  };
  /** The background loops' liveness, for `/livez` (none: always live). */
  liveness?: Liveness;
  logger: Logger;
  tracer?: Tracer;
  /** Sessions (refresh-token families); default: over `db` with the default lifetimes. */
  refreshTokens?: RefreshTokens;
  /** Per-account login backoff; default: over `db` with the default policy. */
  loginThrottle?: LoginThrottle;
};

/** AppDeps with the defaults filled in: what the routes get. */
export type ResolvedAppDeps = AppDeps & { refreshTokens: RefreshTokens; loginThrottle: LoginThrottle };
