// The sessions the Shopify library sees: without their refresh token. The library
// refreshes a near-expiry offline token on its own inside authenticate.webhook (and
// other unauthenticated contexts) with no lock, which could spend a rotating refresh
// token at the same moment as a worker. Without the refresh token it cannot; every
// refresh goes through getFreshOfflineSession and its per-shop lock instead.
// Token exchange still works: it stores a complete new session.
import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";

function withoutRefreshToken(session: Session): Session {
  const view = new Session(session.toObject());
  view.refreshToken = undefined;
  view.refreshTokenExpires = undefined;
  return view;
}

export class LibrarySessionView implements SessionStorage {
  constructor(private readonly full: SessionStorage) {}

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.full.loadSession(id);
    return session ? withoutRefreshToken(session) : undefined;
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.full.findSessionsByShop(shop)).map(withoutRefreshToken);
  }

  /** A session the library read from this view and stores back keeps the refresh token it had. */
  async storeSession(session: Session): Promise<boolean> {
    if (!session.refreshToken) {
      const current = await this.full.loadSession(session.id);
      if (current?.refreshToken && current.accessToken === session.accessToken) {
        const complete = new Session(session.toObject());
        complete.refreshToken = current.refreshToken;
        complete.refreshTokenExpires = current.refreshTokenExpires;
        return this.full.storeSession(complete);
      }
    }
    return this.full.storeSession(session);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.full.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.full.deleteSessions(ids);
  }
}
