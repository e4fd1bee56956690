export { CHALLENGE, requireAuth, requireRole } from "./middleware.ts";
export { accessTokenClaims, type Principal, type Role, roles } from "./principal.ts";
export {
  ACCESS_TOKEN_ALGORITHMS,
  createTokenVerifier,
  INVALID_TOKEN_CHALLENGE,
  type RemoteKeySetOptions,
  remoteKeySet,
  type TokenVerifier,
  type TokenVerifierOptions,
} from "./token-verifier.ts";
