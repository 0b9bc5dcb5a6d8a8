/** The test WebSocket client against an echo server on 127.0.0.1 (port 0). */
import assert from "node:assert/strict";
import { WsClient } from "./ws_client.ts";

/** An echo server that closes a socket with code 4001 when told `"bye"`. */
function echoServer(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onmessage = (e) => e.data === '"bye"' ? socket.close(4001, "bye") : socket.send(e.data);
    return response;
  });
}

Deno.test("records the messages, waits for them, and closes", async () => {
  await using server = echoServer();
  const client = await WsClient.open<WsClient<{ n: number }>>(`ws://127.0.0.1:${server.addr.port}`);
  client.send({ n: 1 });
  client.sendRaw('{"n":2}');
  await client.waitFor(() => client.messages.length === 2, "two echoes");
  assert.deepEqual(client.messages, [{ n: 1 }, { n: 2 }]);
  await assert.rejects(
    client.waitFor(() => false, "nothing", 20),
    /timed out waiting for nothing: \[\{"n":1\}/,
  );
  client.send("bye");
  await client.closed;
  assert.equal(client.closeCode, 4001);
  await client.close();
});

Deno.test("a subclass opens as itself; a refused connection resolves as closed", async () => {
  class Named extends WsClient {
    readonly name = "named";
  }
  await using server = echoServer();
  const named = await Named.open(`ws://127.0.0.1:${server.addr.port}`);
  assert.equal(named.name, "named");
  await named.close();
  assert.notEqual(named.closeCode, undefined);
  const port = server.addr.port;
  await server.shutdown();
  const refused = await WsClient.open(`ws://127.0.0.1:${port}`);
  await refused.closed;
  assert.notEqual(refused.closeCode, undefined);
});
