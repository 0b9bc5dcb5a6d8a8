/**
 * A WebSocket server on 127.0.0.1 (port 0) for the Aster tests: accepts every path and records each
 * connection, so a test can script the venue's side of a stream.
 */

/** One accepted connection. */
export interface WsConn {
  /** The request path, `/ws/<listenKey>` or `/ws/<symbol>@bookTicker`. */
  readonly path: string;
  readonly socket: WebSocket;
}

/** A running server. */
export interface WsServer {
  /** `ws://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every connection accepted, oldest first. */
  readonly conns: WsConn[];
  /** Connections still open. */
  open(): WsConn[];
  close(): Promise<void>;
}

/** Starts a server; `onOpen` runs for each new connection. */
export async function wsServer(onOpen: (conn: WsConn) => void = () => {}): Promise<WsServer> {
  const conns: WsConn[] = [];
  const listening = Promise.withResolvers<number>();
  const srv = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => listening.resolve(port),
  }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const conn = { path: new URL(req.url).pathname, socket };
    socket.addEventListener("open", () => {
      conns.push(conn);
      onOpen(conn);
    });
    return response;
  });
  const port = await listening.promise;
  return {
    url: `ws://127.0.0.1:${port}`,
    conns,
    open: () => conns.filter((c) => c.socket.readyState === WebSocket.OPEN),
    close: async () => {
      for (const c of conns) {
        try {
          c.socket.close();
        } catch {
          // already closed
        }
      }
      await srv.shutdown();
    },
  };
}

/** Polls `cond` every 2 ms of real time until it holds; fails after `timeoutMs`. */
export async function eventually(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
