export { createTestDatabase, type TestDatabase } from "./database.ts";
export { requireTestEnv } from "./env.ts";
export { childrenOf, InMemorySpanExporter } from "./spans.ts";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
export { createSigningKey, createTestTokens, type SigningKey, type TestTokens, type TokenClaims } from "./tokens.ts";
export { until } from "./until.ts";
