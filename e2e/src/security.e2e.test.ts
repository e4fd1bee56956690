import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { createClient } from "redis";
import { stack } from "./support/stack.ts";

// The running stack as an attacker on the same machine meets it: the HTTPS door, the control API
// and the two Redis, each service logged in as its own least-privileged user.

// The monolith shape has no events Redis (its events stay in the process): only notices' Redis.
const withEventsRedis = stack.shape !== "monolith";
const aclNames = withEventsRedis ? ["redis-events.acl", "redis-notices.acl"] : ["redis-notices.acl"];
const adminUrls = withEventsRedis ? [stack.redisEventsUrl, stack.redisNoticesUrl] : [stack.redisNoticesUrl];
/** Tests about the events Redis exist only where it does (not skipped: not applicable). */
const eventsRedisTest: typeof test = withEventsRedis ? test : ((() => {}) as unknown as typeof test);

describe("the HTTPS door", () => {
  const ca = readFileSync(stack.caCertPath, "utf8");
  const overTls = (path: string) => fetch(stack.gatewayTlsUrl + path, { tls: { ca }, keepalive: false } as RequestInit);

  test("serves the API with the certificate of the stack's local CA, and HSTS", async () => {
    const res = await overTls("/postings?limit=1");
    expect(res.status).toBe(200);
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d+$/);
    expect(res.headers.get("x-trace-id")).toMatch(/^[0-9a-f]{32}$/);
    await res.arrayBuffer();
  });

  test("the plain door sends no HSTS", async () => {
    const res = await fetch(`${stack.gatewayUrl}/postings?limit=1`, { keepalive: false });
    expect(res.headers.get("strict-transport-security")).toBeNull();
    await res.arrayBuffer();
  });

  test("a client that does not trust the CA is refused", async () => {
    const error = await fetch(`${stack.gatewayTlsUrl}/postings`, { keepalive: false }).then(
      () => null,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
  });
});

describe("secrets on disk", () => {
  test("the state file, the ACL files and the TLS keys are readable by the stack's user only", () => {
    const stackFile = process.env.MSA_STACK_FILE as string;
    const runDir = dirname(stackFile);
    const aclFiles = readdirSync(runDir).filter((f) => f.endsWith(".acl"));
    expect(aclFiles.sort()).toEqual(aclNames);
    const tlsDir = dirname(stack.caCertPath);
    for (const file of [stackFile, ...aclFiles.map((f) => join(runDir, f)), join(tlsDir, "server.key"), join(tlsDir, "ca.key")]) {
      expect({ file, mode: (statSync(file).mode & 0o777).toString(8) }).toEqual({ file, mode: "600" });
    }
  });

  test("the ACL files hold no password, only hashes", () => {
    const runDir = dirname(process.env.MSA_STACK_FILE as string);
    const text = aclNames.map((f) => readFileSync(join(runDir, f), "utf8")).join("\n");
    for (const url of [stack.redisEventsUrl, stack.redisNoticesUrl, ...Object.values(stack.redisServiceUrls)]) {
      expect(text).not.toContain(new URL(url).password);
    }
    expect(text).toMatch(/#[0-9a-f]{64}/);
  });
});

describe("the control API", () => {
  const url = `${stack.controlUrl}/status`;
  const auth = { authorization: `Bearer ${stack.controlToken}` };

  test("without the per-run token: 401, nothing shown", async () => {
    const res = await fetch(url);
    expect(res.status).toBe(401);
    expect(JSON.stringify(await res.json())).not.toContain("processes");
    const wrong = await fetch(url, { headers: { authorization: `Bearer ${"0".repeat(64)}` } });
    expect(wrong.status).toBe(401);
    await wrong.arrayBuffer();
  });

  test("a browser page cannot use it, even with the token: Origin or Sec-Fetch-Site cross-site → 403", async () => {
    const browserHeaders: Array<Record<string, string>> = [
      { origin: "https://evil.example" },
      { "sec-fetch-site": "cross-site" },
      { origin: "null" },
    ];
    for (const headers of browserHeaders) {
      const res = await fetch(url, { headers: { ...auth, ...headers } });
      expect({ headers, status: res.status }).toEqual({ headers, status: 403 });
      await res.arrayBuffer();
    }
  });

  test("a DNS-rebinding page (another Host name) is refused", async () => {
    const res = await fetch(url, { headers: { ...auth, host: "attacker.example" } });
    expect(res.status).toBe(403);
    await res.arrayBuffer();
  });

  test("a POST that a form or simple request could send (no JSON content type) is refused before it runs", async () => {
    type Status = { processes: Array<{ name: string; restarts: number; state: string }> };
    const before = (await (await fetch(url, { headers: auth })).json()) as Status;
    const restarts = before.processes.find((p) => p.name === "jaeger")?.restarts;
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await fetch(`${stack.controlUrl}/processes/jaeger/kill?signal=SIGKILL`, {
        method: "POST",
        headers: { ...auth, "content-type": type },
        body: "x",
      });
      expect({ type, status: res.status }).toEqual({ type, status: 415 });
      await res.arrayBuffer();
    }
    const after = (await (await fetch(url, { headers: auth })).json()) as Status;
    expect(after.processes.find((p) => p.name === "jaeger")?.restarts).toBe(restarts);
    expect(after.processes.find((p) => p.name === "jaeger")?.state).toBe("running");
  });

  test("status never contains a password, token or secret URL", async () => {
    const res = await fetch(url, { headers: auth });
    expect(res.status).toBe(200);
    const text = await res.text();
    const secrets = [
      stack.controlToken,
      new URL(stack.databaseUrl).password,
      new URL(stack.redisNoticesUrl).password,
      new URL(stack.redisEventsUrl).password,
      ...Object.values(stack.redisServiceUrls).map((u) => new URL(u).password),
      ...(stack.admin ? [stack.admin.password] : []),
    ];
    expect(secrets.every((s) => s.length >= 16)).toBe(true);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toEqual(expect.objectContaining({ gatewayUrl: stack.gatewayUrl, processes: expect.any(Array) }));
  });
});

describe("Redis: each service logs in as its own user, limited to what it uses", () => {
  const clients: Array<{ isOpen: boolean; destroy(): void }> = [];
  afterAll(async () => {
    for (const c of clients) if (c.isOpen) c.destroy();
  });
  const connect = async (url: string) => {
    // No reconnecting: a refused login must fail the connect, not retry forever.
    const client = createClient({ url, disableClientInfo: true, socket: { reconnectStrategy: false } });
    client.on("error", () => {});
    clients.push(client);
    await client.connect();
    return client;
  };
  /** The error reply of a command Redis refuses, or "OK" if it ran. */
  const attempt = async (client: Awaited<ReturnType<typeof connect>>, command: string[]) =>
    client.sendCommand(command).then(
      () => "OK",
      (e: Error) => e.message.split(" ")[0],
    );

  test("the default user needs the password: an anonymous connection gets NOAUTH", async () => {
    for (const url of adminUrls) {
      const anonymous = new URL(url);
      anonymous.username = "";
      anonymous.password = "";
      // RESP3 clients are refused at their HELLO, RESP2 ones at their first command: NOAUTH either way.
      const reply = await connect(anonymous.href).then(
        (client) => attempt(client, ["PING"]),
        (e: Error) => e.message.split(" ")[0],
      );
      expect(reply).toBe("NOAUTH");
    }
  });

  eventsRedisTest("users may publish to `events` and nothing else: no FLUSHALL, no reading, no other keys", async () => {
    const users = await connect(stack.redisServiceUrls.users);
    expect(await attempt(users, ["PING"])).toBe("OK");
    for (const command of [
      ["FLUSHALL"],
      ["KEYS", "*"],
      ["XRANGE", "events", "-", "+", "COUNT", "1"],
      ["XREADGROUP", "GROUP", "postings", "x", "COUNT", "1", "STREAMS", "events", ">"],
      ["XADD", "events.dead", "*", "envelope", "{}"],
      ["DEL", "events"],
      ["CONFIG", "GET", "*"],
      ["ACL", "LIST"],
      ["EVAL", "return 1", "0"],
    ]) {
      expect({ command, reply: await attempt(users, command) }).toEqual({ command, reply: "NOPERM" });
    }
  });

  eventsRedisTest("users' credentials do not open the notices Redis (notice:* is out of reach)", async () => {
    const onNotices = new URL(stack.redisServiceUrls.users);
    onNotices.port = new URL(stack.redisNoticesUrl).port;
    const error = await connect(onNotices.href).then(
      () => null,
      (e: Error) => e,
    );
    expect(error?.message).toContain("WRONGPASS");
  });

  eventsRedisTest("postings reads its group on `events` but cannot publish to it; it may write only dead letters", async () => {
    const postings = await connect(stack.redisServiceUrls.postings);
    expect(await attempt(postings, ["XINFO", "GROUPS", "events"])).toBe("OK");
    expect(await attempt(postings, ["XLEN", "events.dead"])).toBe("OK");
    for (const command of [
      ["XADD", "events", "*", "envelope", "{}"],
      ["DEL", "events"],
      ["XGROUP", "DESTROY", "events", "postings"],
      ["XSETID", "events", "0-1"],
      ["FLUSHDB"],
      ["SET", "events.x", "1"],
      ["KEYS", "*"],
    ]) {
      expect({ command, reply: await attempt(postings, command) }).toEqual({ command, reply: "NOPERM" });
    }
  });

  test("notices reaches only notice keys, through its scripts; a script cannot step outside either", async () => {
    const notices = await connect(stack.redisServiceUrls.notices);
    expect(await attempt(notices, ["HGETALL", "notice:does-not-exist"])).toBe("OK");
    for (const command of [
      ["FLUSHALL"],
      ["KEYS", "*"],
      ["SET", "other", "1"],
      ["HGETALL", "session:1"],
      ["CONFIG", "SET", "appendonly", "no"],
      ["SCRIPT", "FLUSH"],
    ]) {
      expect({ command, reply: await attempt(notices, command) }).toEqual({ command, reply: "NOPERM" });
    }
    // Lua runs with the caller's rights: a script that tries FLUSHALL or a foreign key is refused.
    const flush = await attempt(notices, ["EVAL", "return redis.call('FLUSHALL')", "0"]);
    const foreign = await attempt(notices, ["EVAL", "return redis.call('GET', KEYS[1])", "1", "other"]);
    expect([flush, foreign].every((reply) => reply !== "OK")).toBe(true);
  });
});
