export { createTestDatabase, type TestDatabase } from "./database.ts";
export { requireTestEnv } from "./env.ts";
export { childrenOf, InMemorySpanExporter } from "./spans.ts";
export { startTcpProxy, type TcpProxy } from "./tcp-proxy.ts";
export { createTestTokens, type TestTokens } from "./tokens.ts";
