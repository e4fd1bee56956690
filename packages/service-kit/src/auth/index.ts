export { requireAuth, requireRole } from "./middleware.ts";
export { accessTokenClaims, type Principal, type Role, roles } from "./principal.ts";
export {
  ACCESS_TOKEN_ALGORITHMS,
  createTokenVerifier,
  remoteKeySet,
  type TokenVerifier,
  type TokenVerifierOptions,
} from "./token-verifier.ts";
