// The emulated Shopify: shops, their tokens and their data, in memory.
import { randomBytes } from "node:crypto";
import { Inventory, type EmulatedInventoryItem } from "./inventory";
import { newOrder, type EmulatedOrder } from "./orders";
import { DEFAULT_PIXEL_SETTINGS, type PixelSettingsDefinition } from "./web-pixel";

export interface AccessToken {
  token: string;
  shop: string;
  scope: string;
  expiresAt: number | null;
}

export interface RefreshToken {
  token: string;
  shop: string;
  expiresAt: number;
  revoked: boolean;
  /** Set when the access token issued with its successor is first used: then it stops working. */
  supersededBy?: string;
}

export interface EmulatedShop {
  domain: string;
  name: string;
  currencyCode: string;
  /** The shop owner's email (Admin API `shop { email }`). */
  email: string;
  primaryLocationId: string;
  orders: EmulatedOrder[];
  inventory: Inventory;
  /** The app's web pixel on this shop, if created (one per app per shop). */
  webPixel: { id: string; settings: string } | null;
  /**
   * Topics the app subscribes to on this shop ("inventory_levels/update"), for the
   * webhooks the emulator sends by itself. Tests opt in: empty by default.
   */
  webhookSubscriptions: Set<string>;
}

export type InventoryLevelListener = (shop: EmulatedShop, item: EmulatedInventoryItem, locationId: string, available: number) => void;

export interface TokenRequestCounts {
  token_exchange: number;
  refresh_token: number;
  authorization_code: number;
}

export interface Faults {
  /** Answer token grants without expires_in (shopify-app-js#3400). */
  omitExpiresIn: boolean;
  /** Lifetime of issued access tokens, seconds (Shopify: 3600). */
  accessTokenLifetimeSeconds: number;
  /** Milliseconds the token endpoint waits before answering. */
  tokenLatencyMs: number;
  /** The next N applied inventoryAdjustQuantities answer 502 instead (the change is kept: a lost answer). */
  dropAdjustAnswers: number;
}

export class ShopifyState {
  readonly shops = new Map<string, EmulatedShop>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly tokenRequests: TokenRequestCounts = { token_exchange: 0, refresh_token: 0, authorization_code: 0 };
  readonly faults: Faults = { omitExpiresIn: false, accessTokenLifetimeSeconds: 3600, tokenLatencyMs: 0, dropAdjustAnswers: 0 };
  /** Staff accounts by user id (the session token's `sub`): what online token exchange reports as associated_user. */
  readonly staff = new Map<string, { email: string; emailVerified: boolean; firstName: string; accountOwner: boolean }>();
  /** The settings definition of the app's deployed web pixel extension (null: none deployed). */
  webPixelSettings: PixelSettingsDefinition = DEFAULT_PIXEL_SETTINGS;
  /** Told of every change of an inventory level in any shop (the server sends inventory_levels/update). */
  onInventoryLevelChange: InventoryLevelListener | null = null;

  constructor(
    readonly apiKey: string,
    readonly apiSecret: string,
  ) {}

  addShop(domain: string, overrides: Partial<Omit<EmulatedShop, "domain">> = {}): EmulatedShop {
    const shop: EmulatedShop = {
      domain,
      name: overrides.name ?? domain.replace(".myshopify.com", ""),
      currencyCode: overrides.currencyCode ?? "USD",
      email: overrides.email ?? `owner@${domain.replace(".myshopify.com", "")}.example`,
      primaryLocationId: overrides.primaryLocationId ?? `gid://shopify/Location/${1000 + this.shops.size}`,
      orders: [],
      inventory: new Inventory(),
      webPixel: null,
      webhookSubscriptions: new Set(overrides.webhookSubscriptions ?? []),
    };
    shop.inventory.onLevelChange = (item, locationId, available) => this.onInventoryLevelChange?.(shop, item, locationId, available);
    this.shops.set(domain, shop);
    return shop;
  }

  /** A new order in the shop (as a buyer's checkout would create it). */
  createOrder(domain: string, overrides: Partial<EmulatedOrder> = {}): EmulatedOrder {
    const shop = this.shops.get(domain);
    if (!shop) throw new Error(`no emulated shop ${domain}`);
    const order = newOrder(shop.orders.length, overrides);
    shop.orders.push(order);
    return order;
  }

  /** Changes an order and bumps its updated_at, as an edit in the admin would. */
  updateOrder(domain: string, id: number, changes: Partial<EmulatedOrder>): EmulatedOrder {
    const order = this.shops.get(domain)?.orders.find((candidate) => candidate.id === id);
    if (!order) throw new Error(`no order ${id} in ${domain}`);
    const updatedAt = new Date(Math.max(Date.now(), Date.parse(order.updatedAt) + 1000)).toISOString();
    Object.assign(order, changes, { updatedAt });
    return order;
  }

  /** Sets the email Shopify reports for a staff user id in online token exchange. */
  setStaffEmail(userId: string | number, email: string, options: { emailVerified?: boolean; accountOwner?: boolean } = {}): void {
    this.staff.set(String(userId), { email, emailVerified: options.emailVerified ?? true, firstName: `Staff ${userId}`, accountOwner: options.accountOwner ?? false });
  }

  issueAccessToken(shop: string, scope: string, expiring: boolean): AccessToken {
    const token: AccessToken = {
      token: `shpat_${randomBytes(16).toString("hex")}`,
      shop,
      scope,
      expiresAt: expiring ? Date.now() + this.faults.accessTokenLifetimeSeconds * 1000 : null,
    };
    this.accessTokens.set(token.token, token);
    return token;
  }

  issueRefreshToken(shop: string): RefreshToken {
    const token: RefreshToken = {
      token: `shprt_${randomBytes(16).toString("hex")}`,
      shop,
      expiresAt: Date.now() + 90 * 86_400_000,
      revoked: false,
    };
    this.refreshTokens.set(token.token, token);
    return token;
  }

  /** Revokes every refresh token of a shop, as when the merchant removes access. */
  revokeRefreshTokens(shop: string): void {
    for (const token of this.refreshTokens.values()) if (token.shop === shop) token.revoked = true;
  }

  /** Makes every access token of a shop expired now. */
  expireAccessTokens(shop: string): void {
    for (const token of this.accessTokens.values()) if (token.shop === shop) token.expiresAt = Date.now() - 1;
  }

  /** The valid access token, or why not. Using it retires the refresh token its grant replaced. */
  authenticate(shop: string, token: string | null): AccessToken | "missing" | "invalid" | "expired" {
    if (!token) return "missing";
    const found = this.accessTokens.get(token);
    if (!found || found.shop !== shop) return "invalid";
    if (found.expiresAt !== null && found.expiresAt <= Date.now()) return "expired";
    for (const refresh of this.refreshTokens.values()) {
      if (refresh.supersededBy === token) refresh.revoked = true;
    }
    return found;
  }
}
