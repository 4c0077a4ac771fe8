// An SMTP catcher on loopback (smtp-server): accepts mail, keeps each message with its
// envelope, parsed headers and text/html bodies, for tests (and later a web view) to read.
// `url` (smtp://user:pass@127.0.0.1:port) is what SMTP_URL takes. Faults through
// `state.faults`: reject the next N messages with a reply code (4xx temporary, 5xx
// permanent), or refuse every message (the server "down" for mail). Never imports app code.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { parseMail, type ParsedMail } from "./mime";

export interface CaughtMail extends ParsedMail {
  id: number;
  envelope: { from: string; to: string[] };
  /** The user that authenticated, if any. */
  user: string | null;
  raw: string;
  at: string;
}

export interface SmtpFaults {
  /** Reject the next N messages with this reply. */
  rejectNext: { count: number; code: number; message: string };
  /** Reject every message with 421 (service not available), as if the server were down. */
  down: boolean;
}

export class SmtpState {
  readonly mails: CaughtMail[] = [];
  faults: SmtpFaults = { rejectNext: { count: 0, code: 451, message: "Temporary local problem" }, down: false };
  private waiters: Array<{ match: (mail: CaughtMail) => boolean; resolve: (mail: CaughtMail) => void }> = [];

  resetFaults(): void {
    this.faults = { rejectNext: { count: 0, code: 451, message: "Temporary local problem" }, down: false };
  }

  mailsTo(address: string): CaughtMail[] {
    return this.mails.filter((mail) => mail.envelope.to.includes(address));
  }

  /** Resolves with the first message (already caught or still to come) that `match` accepts. */
  waitFor(match: (mail: CaughtMail) => boolean, timeoutMs = 10_000): Promise<CaughtMail> {
    const caught = this.mails.find(match);
    if (caught) return Promise.resolve(caught);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no matching mail arrived")), timeoutMs);
      this.waiters.push({ match, resolve: (mail) => (clearTimeout(timer), resolve(mail)) });
    });
  }

  keep(mail: CaughtMail): void {
    this.mails.push(mail);
    const ready = this.waiters.filter((waiter) => waiter.match(mail));
    this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.resolve(mail);
  }
}

export interface SmtpCatcher {
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  state: SmtpState;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startSmtpCatcher(options: { user?: string; password?: string } = {}): Promise<SmtpCatcher> {
  const user = options.user ?? "rappit";
  const password = options.password ?? "catcher-password";
  const state = new SmtpState();
  let nextId = 1;
  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS (a self-signed certificate would fail the client), AUTH allowed without TLS.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user: auth.username });
      else callback(smtpError(535, "5.7.8 Authentication credentials invalid"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const { faults } = state;
        if (faults.down) return callback(smtpError(421, "4.3.2 Service not available, closing transmission channel"));
        if (faults.rejectNext.count > 0) {
          faults.rejectNext.count -= 1;
          return callback(smtpError(faults.rejectNext.code, faults.rejectNext.message));
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        state.keep({
          id: nextId++,
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          },
          user: typeof session.user === "string" ? session.user : null,
          raw,
          at: new Date().toISOString(),
          ...parseMail(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.on("error", () => undefined); // a client dropping mid-session is not the catcher's problem
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
    user,
    password,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
