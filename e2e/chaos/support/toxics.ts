import type { StackDescription } from "@msa-board/stack";

/** One proxy per service→store link, as the test stack names them in `stack.json`. */
export type ProxyName = "users-postgres" | "users-redis-events" | "postings-postgres" | "postings-redis-events" | "notices-redis-notices";

/** The toxics these suites use, with Toxiproxy's own attribute names (times in ms, rates in KB/s). */
export type Toxic =
  | { type: "latency"; attributes: { latency: number; jitter?: number } }
  | { type: "bandwidth"; attributes: { rate: number } }
  /** Stops all data; closes the connection after `timeout` ms (0: never, a stalled socket). */
  | { type: "timeout"; attributes: { timeout: number } }
  /** TCP RST after `timeout` ms (0: at once) — on connections open now and on every new one. */
  | { type: "reset_peer"; attributes: { timeout: number } }
  | { type: "slow_close"; attributes: { delay: number } }
  | { type: "limit_data"; attributes: { bytes: number } };

export type ToxicOptions = { name?: string; stream?: "upstream" | "downstream"; toxicity?: number };

/**
 * A small typed client of Toxiproxy's HTTP API (https://github.com/Shopify/toxiproxy#http-api).
 * A toxic applies to the link's open connections and every new one until it is removed.
 */
export class FaultProxy {
  constructor(readonly apiUrl: string) {}

  static of(stack: StackDescription): FaultProxy {
    if (!stack.faultProxy) throw new Error("this stack runs without the fault proxy (Toxiproxy): run the chaos suites through `npm test`");
    return new FaultProxy(stack.faultProxy.apiUrl);
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`toxiproxy ${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  /** Adds a toxic and returns its name (by default `<type>-<stream>`). */
  async add(proxy: ProxyName, toxic: Toxic, options: ToxicOptions = {}): Promise<string> {
    const stream = options.stream ?? "downstream";
    const name = options.name ?? `${toxic.type}-${stream}`;
    await this.call("POST", `/proxies/${proxy}/toxics`, { name, stream, toxicity: options.toxicity ?? 1, ...toxic });
    return name;
  }

  async remove(proxy: ProxyName, name: string): Promise<void> {
    await this.call("DELETE", `/proxies/${proxy}/toxics/${name}`);
  }

  /** Cuts a link (open connections closed, new ones refused) or restores it. */
  async setEnabled(proxy: ProxyName, enabled: boolean): Promise<void> {
    await this.call("POST", `/proxies/${proxy}`, { enabled });
  }

  async toxics(proxy: ProxyName): Promise<Array<{ name: string; type: string }>> {
    return (await this.call("GET", `/proxies/${proxy}/toxics`)) as Array<{ name: string; type: string }>;
  }

  /** Every link enabled, every toxic gone. */
  async reset(): Promise<void> {
    await this.call("POST", "/reset");
  }

  /** Runs `fn` with the toxic in place and always removes it afterwards. */
  async with<T>(proxy: ProxyName, toxic: Toxic, fn: () => Promise<T>, options: ToxicOptions = {}): Promise<T> {
    const name = await this.add(proxy, toxic, options);
    try {
      return await fn();
    } finally {
      await this.remove(proxy, name);
    }
  }
}
