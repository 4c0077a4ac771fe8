// The WhatsApp Cloud API's send endpoint on loopback for tests and the demo:
// POST /{version}/{phone-number-id}/messages (bearer token, template messages, Meta's
// answer and error bodies), faults through `state`, and `sendStatuses` to deliver signed
// status webhooks to the app in any order. Point WHATSAPP_API_ORIGIN at `url`.
// Never imports app code.
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { graphError, sendReply, type Reply } from "./messages";
import { WhatsappState } from "./state";
import { deliverStatuses, type DeliverOptions, type StatusEvent } from "./status-webhooks";

export interface WhatsappEmulator {
  url: string;
  state: WhatsappState;
  /** Delivers one status webhook (events in the order given) to the app's webhook URL. */
  sendStatuses(webhookUrl: string, events: StatusEvent[], options?: DeliverOptions): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

export async function startWhatsappEmulator(options: { token?: string; phoneNumberId?: string; appSecret?: string } = {}): Promise<WhatsappEmulator> {
  const state = new WhatsappState(
    options.token ?? `EAAG${randomBytes(24).toString("hex")}`,
    options.phoneNumberId ?? "106540352242922",
    options.appSecret ?? randomBytes(16).toString("hex"),
  );
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "http://emulator").pathname;
      const match = /^\/v\d+\.\d+\/([^/]+)\/messages$/.exec(path);
      let reply: Reply;
      if (request.method === "POST" && match) {
        reply = sendReply(state, match[1], request.headers.authorization, Buffer.concat(chunks).toString("utf8"));
      } else {
        reply = graphError(400, 100, "Unsupported request - method type: " + (request.method ?? "GET").toLowerCase(), "GraphMethodException");
      }
      state.requests.push({ path, status: reply.status, at: new Date().toISOString() });
      const bytes = Buffer.from(JSON.stringify(reply.body));
      response.writeHead(reply.status, { "Content-Type": "application/json", "Content-Length": String(bytes.length) });
      response.end(bytes);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    sendStatuses: (webhookUrl, events, deliverOptions) => deliverStatuses(state, webhookUrl, events, deliverOptions),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { WhatsappState } from "./state";
export type { SentWhatsapp, WhatsappFault } from "./state";
export { signBody, statusPayload, type StatusEvent, type WhatsappStatus } from "./status-webhooks";
