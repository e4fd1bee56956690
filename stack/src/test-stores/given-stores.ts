import { connect } from "node:net";
import type { StoreNeed } from "./needs.ts";

/**
 * Why a store URL someone handed over does not work, or null when it does: a PostgreSQL URL must
 * log in and answer a query, a Redis one must answer PING (an auth error still proves it is Redis).
 */
export async function whyUnusable(need: StoreNeed, url: string): Promise<string | null> {
  return need === "postgres" ? postgresProblem(url) : redisProblem(url);
}

async function postgresProblem(url: string): Promise<string | null> {
  const { default: postgres } = await import("postgres");
  let sql: ReturnType<typeof postgres> | undefined;
  try {
    sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
    await sql`select 1`;
    return null;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await sql?.end({ timeout: 1 }).catch(() => {});
  }
}

function redisProblem(url: string, timeoutMs = 3_000): Promise<string | null> {
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    host = parsed.hostname.replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
    port = Number(parsed.port || 6379);
  } catch {
    return Promise.resolve("not a URL");
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const settle = (problem: string | null) => {
      socket.destroy();
      resolve(problem);
    };
    socket.setTimeout(timeoutMs, () => settle(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (data) => settle(/^[+-]/.test(data.toString("latin1")) ? null : `${host}:${port} does not speak Redis`));
    socket.once("error", (err) => settle(err.message));
  });
}
