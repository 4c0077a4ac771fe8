// Serves Remix route modules over real HTTP on loopback, so an emulator can call the
// app the way the provider's servers do (callbacks, webhooks) in integration tests.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

type Handler = (args: { request: Request; params: Record<string, string>; context: Record<string, never> }) => Promise<Response> | Response;
export interface RouteModule {
  action?: Handler;
  loader?: Handler;
}

export interface RouteServer {
  url: string;
  close(): Promise<void>;
}

async function toRequest(incoming: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  const method = incoming.method ?? "GET";
  return new Request(`${origin}${incoming.url ?? "/"}`, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : Buffer.concat(chunks),
  });
}

/** `routes`: a path pattern (named groups become params) and the route module serving it. */
export async function startRouteServer(routes: Array<[RegExp, RouteModule]>): Promise<RouteServer> {
  const server = createServer(async (incoming, outgoing) => {
    try {
      const request = await toRequest(incoming, "http://127.0.0.1");
      const path = new URL(request.url).pathname;
      const route = routes.find(([pattern]) => pattern.test(path));
      if (!route) {
        outgoing.writeHead(404).end();
        return;
      }
      const params = route[0].exec(path)?.groups ?? {};
      const handler = request.method === "GET" || request.method === "HEAD" ? route[1].loader : route[1].action;
      let response: Response;
      try {
        response = handler ? await handler({ request, params: { ...params }, context: {} }) : new Response(null, { status: 405 });
      } catch (thrown) {
        if (!(thrown instanceof Response)) throw thrown;
        response = thrown;
      }
      outgoing.writeHead(response.status, Object.fromEntries(response.headers));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      outgoing.writeHead(500, { "Content-Type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
