import type { Socket, TCPSocketListener } from "bun";

type ClientData = { upstream: Socket<undefined> | null; buffered: Uint8Array[] };

/**
 * A TCP pass-through on a fixed local port, so a test can take a store "down" (refuse and cut every
 * connection) and bring it back on the same address — a real outage as the client sees it.
 */
export async function startTcpProxy(target: { hostname: string; port: number }) {
  const clients = new Set<Socket<ClientData>>();
  let listener: TCPSocketListener<ClientData> | null = null;

  const listen = (port: number) =>
    Bun.listen<ClientData>({
      hostname: "127.0.0.1",
      port,
      socket: {
        async open(client) {
          clients.add(client);
          client.data = { upstream: null, buffered: [] };
          try {
            const upstream = await Bun.connect({
              hostname: target.hostname,
              port: target.port,
              socket: {
                data: (_up, chunk) => void client.write(chunk),
                close: () => void client.end(),
                error: () => void client.end(),
              },
            });
            client.data.upstream = upstream;
            for (const chunk of client.data.buffered) upstream.write(chunk);
            client.data.buffered = [];
          } catch {
            client.end();
          }
        },
        data(client, chunk) {
          if (client.data.upstream) client.data.upstream.write(chunk);
          else client.data.buffered.push(new Uint8Array(chunk));
        },
        close(client) {
          clients.delete(client);
          client.data.upstream?.end();
        },
        error(client) {
          client.data.upstream?.end();
        },
      },
    });

  listener = listen(0);
  const port = listener.port;
  return {
    port,
    url: (scheme: string) => `${scheme}://127.0.0.1:${port}`,
    /** Refuse new connections and cut the open ones. */
    down() {
      listener?.stop(true);
      listener = null;
      for (const client of clients) {
        client.data.upstream?.terminate();
        client.terminate();
      }
      clients.clear();
    },
    up() {
      if (!listener) listener = listen(port);
    },
    close() {
      this.down();
    },
  };
}
