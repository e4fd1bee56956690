/**
 * A stand-in for users' session routes (`POST /login`, `/token/refresh`, `/logout`) over real
 * HTTP, as the contract describes them: refresh tokens are what users is gaining right now, so
 * these unit tests cannot lean on the real service for them yet (the browser suite does).
 */
export type UsersStub = {
  url: string;
  calls: Array<{ path: string; body: unknown; traceparent: string | null }>;
  /** Refresh tokens still valid (rotated on use, revoked on logout). */
  live: Set<string>;
  /** Today's users answers login without a refresh token. */
  issueRefreshTokens: boolean;
  stop(): Promise<void>;
};

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": type } });
const problem = (status: number, detail: string) =>
  json(status, { type: "https://msa-board.dev/problems/unauthorized", title: "Unauthorized", status, detail }, "application/problem+json");

export function startUsersStub(): UsersStub {
  let n = 0;
  const stub: UsersStub = {
    url: "",
    calls: [],
    live: new Set(),
    issueRefreshTokens: true,
    stop: async () => server.stop(true),
  };
  const pair = () => {
    const refreshToken = `refresh-${++n}-${crypto.randomUUID()}`;
    stub.live.add(refreshToken);
    return {
      accessToken: `header.${btoa(JSON.stringify({ sub: "u-1", name: "Ada", role: "user" }))}.sig`,
      tokenType: "Bearer",
      expiresIn: 300,
      ...(stub.issueRefreshTokens ? { refreshToken } : {}),
    };
  };
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const path = new URL(request.url).pathname;
      const body = (await request.json()) as Record<string, string>;
      stub.calls.push({ path, body, traceparent: request.headers.get("traceparent") });
      if (path === "/login") {
        return body.password === "right-password" ? json(200, pair()) : problem(401, "The email or password is not correct.");
      }
      if (path === "/token/refresh") {
        if (!stub.live.delete(body.refreshToken ?? "")) return problem(401, "The refresh token is not valid.");
        return json(200, pair());
      }
      if (path === "/logout") {
        stub.live.delete(body.refreshToken ?? "");
        return new Response(null, { status: 204 });
      }
      return problem(404, "no route");
    },
  });
  stub.url = `http://127.0.0.1:${server.port}`;
  return stub;
}
