import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop } from "~/db/prisma.server";
import { loader } from "~/routes/app.activity";
import { recordAudit } from "~/security/audit.server";
import { buildShop } from "../factories/shop.factory";
import { adminRequest, settle } from "../support/admin-requests";

afterAll(disconnectPrisma);

interface ActivityData {
  error: string | null;
  rows: Array<{ id: string; action: string; actor: string; subject: string; change: string }>;
  olderCursor: string | null;
  newerCursor: string | null;
}

async function open(shop: string, query = "") {
  const response = await settle(async () =>
    loader({ request: await adminRequest(shop, `/app/activity${query}`), params: {}, context: {} }),
  );
  return { status: response.status, data: (await response.json()) as ActivityData };
}

describe("/app/activity", () => {
  it("shows the current shop's rows only, newest first, with who did it", async () => {
    const [shop, other] = await Promise.all([buildShop(), buildShop()]);
    await recordAudit(forShop(shop.id), {
      actor: { type: "USER", id: "42", email: "admin@example.com" },
      action: "CARRIER_CONNECTED",
      subject: { type: "CarrierAccount", id: "ca_1" },
      after: { carrier: "FEDEX", clientSecret: "should-not-show" },
    });
    await recordAudit(forShop(shop.id), { actor: { type: "WORKER", id: "job-7" }, action: "TOKEN_REFRESHED" });
    await recordAudit(forShop(other.id), { actor: { type: "SYSTEM" }, action: "APP_UNINSTALLED" });

    const { status, data } = await open(shop.domain);
    expect(status).toBe(200);
    expect(data.rows.map((row) => row.action)).toEqual(["TOKEN_REFRESHED", "CARRIER_CONNECTED"]);
    expect(data.rows[0].actor).toBe("Background job");
    expect(data.rows[1]).toMatchObject({ actor: "admin@example.com", subject: "CarrierAccount ca_1" });
    expect(data.rows[1].change).not.toContain("should-not-show");
    expect(data).toMatchObject({ olderCursor: null, newerCursor: null });
  });

  it("filters by action and pages with cursors", async () => {
    const shop = await buildShop();
    for (let i = 0; i < 27; i++) {
      await recordAudit(forShop(shop.id), { actor: { type: "SYSTEM" }, action: i % 2 ? "ORDER_APPROVED" : "ORDER_REJECTED" });
    }
    const approved = await open(shop.domain, "?action=ORDER_APPROVED");
    expect(approved.data.rows).toHaveLength(13);
    expect(approved.data.rows.every((row) => row.action === "ORDER_APPROVED")).toBe(true);

    const first = await open(shop.domain);
    expect(first.data.rows).toHaveLength(25);
    expect(first.data.olderCursor).not.toBeNull();
    const second = await open(shop.domain, `?older=${first.data.olderCursor}`);
    expect(second.data.rows).toHaveLength(2);
    expect(second.data.newerCursor).not.toBeNull();
    const seen = new Set([...first.data.rows, ...second.data.rows].map((row) => row.id));
    expect(seen.size).toBe(27);
  });

  it("answers 400 with a message for an unknown action or a broken cursor", async () => {
    const shop = await buildShop();
    const badAction = await open(shop.domain, "?action=DROP_TABLES");
    expect(badAction.status).toBe(400);
    expect(badAction.data.error).toMatch(/Unknown action filter/);
    const badCursor = await open(shop.domain, "?older=not-a-cursor");
    expect(badCursor.status).toBe(400);
    expect(badCursor.data.error).toMatch(/page link is invalid/);
  });
});
