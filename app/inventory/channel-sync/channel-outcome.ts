// What one push did for one item on one channel, and how the item's row records it.

export type ChannelOutcome =
  | { ok: true }
  /**
   * `holdsBack`: the item stays behind (version > syncedVersion) so the next push or
   * the sweep tries again; otherwise the note is kept but the item counts as pushed.
   */
  | { ok: false; channel: string; message: string; holdsBack: boolean };

export interface PushItem {
  id: string;
  sku: string;
  available: number;
  version: number;
  shopifyInventoryItemId: string | null;
  shopifyLocationId: string | null;
  wooChannelId: string | null;
  wooProductId: number | null;
  wooVariationId: number | null;
}

export const failed = (channel: string, message: string, holdsBack = true): ChannelOutcome => ({ ok: false, channel, message, holdsBack });

/** The item's syncError: every channel's problem, one line each; null when all went well. */
export function syncErrorOf(outcomes: ChannelOutcome[]): string | null {
  const problems = outcomes.filter((o): o is Extract<ChannelOutcome, { ok: false }> => !o.ok);
  if (problems.length === 0) return null;
  return problems.map((p) => `${p.channel}: ${p.message}`).join("\n").slice(0, 1_000);
}

export const holdsBack = (outcomes: ChannelOutcome[]) => outcomes.some((o) => !o.ok && o.holdsBack);
