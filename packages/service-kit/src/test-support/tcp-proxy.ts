import type { Socket, TCPSocketListener } from "bun";

type ClientData = { upstream: Socket<undefined> | null; buffered: Uint8Array[]; dropOnFirstData: boolean };

/**
 * A TCP pass-through on a fixed local port, so a test can take a store "down" (refuse and cut every
 * connection) and bring it back on the same address — a real outage as the client sees it — or
 * make it misbehave in the ways a restart or a stalled network does: connections that die in the
 * middle of the client's handshake, a link that swallows everything and answers nothing.
 */
export type TcpProxy = Awaited<ReturnType<typeof startTcpProxy>>;

export async function startTcpProxy(target: { hostname: string; port: number }) {
  const clients = new Set<Socket<ClientData>>();
  let listener: TCPSocketListener<ClientData> | null = null;
  let handshakesToDrop = 0;
  let connectionsToCut = 0;
  let stalled = false;
  let opened = 0;

  const listen = (port: number) =>
    Bun.listen<ClientData>({
      hostname: "127.0.0.1",
      port,
      socket: {
        async open(client) {
          clients.add(client);
          opened += 1;
          client.data = { upstream: null, buffered: [], dropOnFirstData: handshakesToDrop > 0 };
          if (client.data.dropOnFirstData) handshakesToDrop -= 1;
          if (connectionsToCut > 0) {
            // Accepted, then gone before the client has said a word: a server dying as it accepts.
            connectionsToCut -= 1;
            clients.delete(client);
            client.terminate();
            return;
          }
          try {
            const upstream = await Bun.connect({
              hostname: target.hostname,
              port: target.port,
              socket: {
                data: (_up, chunk) => {
                  if (!stalled) client.write(chunk);
                },
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
          if (client.data.dropOnFirstData) {
            // The client has sent its handshake; the "server" dies before answering it.
            client.data.upstream?.terminate();
            client.terminate();
            return;
          }
          if (stalled) return;
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
    /** `url` (scheme, user, password, path) pointed at the proxy: the stores need their credentials. */
    through(url: string): string {
      const proxied = new URL(url);
      proxied.hostname = "127.0.0.1";
      proxied.port = String(port);
      return proxied.href;
    },
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
    /** The next `n` connections are accepted and cut at once, before the client sends anything. */
    cutNextConnections(n: number) {
      connectionsToCut = n;
    },
    /** The next `n` connections are accepted, then cut as soon as the client sends its first bytes. */
    dropNextHandshakes(n: number) {
      handshakesToDrop = n;
    },
    /** Open connections stay open but nothing passes either way (a stopped peer, a stalled network). */
    stall(on = true) {
      stalled = on;
    },
    /** How many client connections were accepted so far. */
    get connectionsOpened() {
      return opened;
    },
    close() {
      this.down();
    },
  };
}
