// SendGrid's v3 Mail Send on loopback for tests and the demo. Point SENDGRID_API_ORIGIN at
// `url`. Faults through `state.faults`: down (connection dropped), 5xx, 429 with Retry-After.
// Never imports app code.
import { createServer } from "node:http";
import { mailSendReply, type Reply } from "./mail-send";
import { SendgridState } from "./state";

export interface SendgridEmulator {
  url: string;
  state: SendgridState;
  close(): Promise<void>;
}

export async function startSendgridEmulator(options: { apiKey?: string } = {}): Promise<SendgridEmulator> {
  const state = new SendgridState(options.apiKey ?? "SG.emulator-key.emulator-secret");
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://emulator").pathname;
      const at = new Date().toISOString();
      if (state.faults.down) {
        state.requests.push({ path, status: null, at });
        request.socket.destroy();
        return;
      }
      let reply: Reply;
      if (request.method !== "POST" || path !== "/v3/mail/send") {
        reply = { status: 404, body: { errors: [{ message: "Not found", field: null, help: null }] } };
      } else if (state.faults.rateLimitNext > 0) {
        state.faults.rateLimitNext -= 1;
        reply = { status: 429, body: { errors: [{ message: "too many requests", field: null, help: null }] }, headers: { "Retry-After": String(state.faults.retryAfterSeconds) } };
      } else if (state.faults.fail5xxNext > 0) {
        state.faults.fail5xxNext -= 1;
        reply = { status: 503, body: { errors: [{ message: "Service Unavailable", field: null, help: null }] } };
      } else {
        reply = mailSendReply(state, request.headers.authorization, Buffer.concat(chunks).toString("utf8"));
      }
      state.requests.push({ path, status: reply.status, at });
      const bytes = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(reply.body));
      response.writeHead(reply.status, {
        ...(reply.body === undefined ? {} : { "Content-Type": "application/json" }),
        "Content-Length": String(bytes.length),
        ...reply.headers,
      });
      response.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { SendgridState } from "./state";
export type { SendgridFaults, SendgridMail } from "./state";
