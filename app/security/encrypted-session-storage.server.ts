// Shopify session storage that keeps access and refresh tokens encrypted at rest.
// It wraps another storage (Prisma's): the library and the app see plain sessions,
// the database holds only ciphertext, each bound to its session id and field.
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import type { Logger } from "pino";
import { rowBinding } from "./encrypted-columns";
import { DecryptionError, type Cipher } from "./encryption";

export function sessionTokenBinding(sessionId: string, field: "accessToken" | "refreshToken"): string {
  return rowBinding("Session", sessionId, field);
}

export class EncryptedSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: SessionStorage,
    private readonly cipher: Cipher,
    private readonly logger: Logger,
  ) {}

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(this.seal(session));
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const stored = await this.inner.loadSession(id);
    return stored ? this.open(stored) : undefined;
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    const stored = await this.inner.findSessionsByShop(shop);
    return stored.map((session) => this.open(session)).filter((session) => session !== undefined);
  }

  private seal(session: Session): Session {
    const sealed = new Session(session.toObject());
    if (session.accessToken) {
      sealed.accessToken = this.cipher.encrypt(session.accessToken, sessionTokenBinding(session.id, "accessToken"));
    }
    if (session.refreshToken) {
      sealed.refreshToken = this.cipher.encrypt(session.refreshToken, sessionTokenBinding(session.id, "refreshToken"));
    }
    return sealed;
  }

  /**
   * A session whose tokens do not decrypt (altered, moved from another row, or sealed
   * with a key no longer configured) is treated as absent: the admin's next visit
   * gets a fresh token by token exchange, and the failure is logged.
   */
  private open(stored: Session): Session | undefined {
    try {
      const session = new Session(stored.toObject());
      if (stored.accessToken) {
        session.accessToken = this.cipher.decrypt(stored.accessToken, sessionTokenBinding(stored.id, "accessToken"));
      }
      if (stored.refreshToken) {
        session.refreshToken = this.cipher.decrypt(stored.refreshToken, sessionTokenBinding(stored.id, "refreshToken"));
      }
      return session;
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      this.logger.error({ sessionId: stored.id, shop: stored.shop, reason: error.reason }, "stored session does not decrypt");
      return undefined;
    }
  }
}
