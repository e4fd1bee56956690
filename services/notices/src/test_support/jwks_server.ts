import type { JSONWebKeySet } from "jose";

export type JwksServer = AsyncDisposable & {
  url: string;
  /** How many times the key set was fetched. */
  fetches: () => number;
  setKeys: (jwks: JSONWebKeySet) => void;
  setDown: (down: boolean) => void;
};

/** A real HTTP JWKS endpoint on a free loopback port, standing in for the users service. */
export function serveJwks(initial: JSONWebKeySet): JwksServer {
  let jwks = initial;
  let down = false;
  let count = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    count++;
    return down ? new Response("unavailable", { status: 503 }) : Response.json(jwks);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/.well-known/jwks.json`,
    fetches: () => count,
    setKeys: (next) => (jwks = next),
    setDown: (next) => (down = next),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
