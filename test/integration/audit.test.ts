import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop, getPrisma } from "~/db/prisma.server";
import { listAudit, recordAudit, type AuditAction } from "~/security/audit.server";
import { REDACTED } from "~/security/redaction";
import { withSystemContext } from "~/security/tenancy";
import { buildShop } from "../factories/shop.factory";

afterAll(disconnectPrisma);

describe("recordAudit", () => {
  it("writes who, what, subject, before and after with secrets removed", async () => {
    const shop = await buildShop();
    const db = forShop(shop.id);
    const row = await recordAudit(db, {
      actor: { type: "USER", id: "1001", email: "owner@example.com" },
      action: "CHANNEL_CONNECTED",
      subject: { type: "Channel", id: "ch_1" },
      before: null,
      after: { storeUrl: "https://store.example", consumerSecret: "cs-secret-value-123", status: "CONNECTED" },
      requestId: "req-1",
    });
    expect(row).toMatchObject({
      action: "CHANNEL_CONNECTED",
      actorType: "USER",
      actorId: "1001",
      actorEmail: "owner@example.com",
      subjectType: "Channel",
      subjectId: "ch_1",
      after: { storeUrl: "https://store.example", consumerSecret: REDACTED, status: "CONNECTED" },
      requestId: "req-1",
    });
    const stored = await getPrisma().$queryRaw<Array<{ after: string }>>`
      SELECT "after"::text FROM "AuditLog" WHERE id = ${row.id}::uuid`;
    expect(stored[0].after).not.toContain("cs-secret-value-123");
  });

  it("refuses an action that is not in the plan", async () => {
    const shop = await buildShop();
    await expect(
      recordAudit(forShop(shop.id), { actor: { type: "SYSTEM" }, action: "DROPPED_TABLES" as AuditAction }),
    ).rejects.toThrow();
    expect(await forShop(shop.id).auditLog.count()).toBe(0);
  });
});

describe("the audit trail is append-only", () => {
  async function oneRow() {
    const shop = await buildShop();
    const row = await recordAudit(forShop(shop.id), { actor: { type: "WORKER", id: "job-1" }, action: "TOKEN_REFRESHED" });
    return { shop, row };
  }

  it("refuses UPDATE, from the app and from raw SQL", async () => {
    const { shop, row } = await oneRow();
    await expect(
      forShop(shop.id).auditLog.update({ where: { id: row.id }, data: { action: "ORDER_APPROVED" } }),
    ).rejects.toThrow(/append-only/);
    await expect(getPrisma().$executeRaw`UPDATE "AuditLog" SET action = 'X' WHERE id = ${row.id}::uuid`).rejects.toThrow(
      /append-only/,
    );
  });

  it("refuses DELETE except inside the shop purge", async () => {
    const { shop, row } = await oneRow();
    await expect(forShop(shop.id).auditLog.deleteMany({})).rejects.toThrow(/append-only/);
    await expect(getPrisma().$executeRaw`DELETE FROM "AuditLog" WHERE id = ${row.id}::uuid`).rejects.toThrow(/append-only/);
    expect(await forShop(shop.id).auditLog.count()).toBe(1);

    // What the GDPR shop purge does: the flag lives only for its own transaction.
    await withSystemContext("audit-test-purge", () =>
      getPrisma().$transaction([
        getPrisma().$executeRaw`SELECT set_config('rappit.audit_purge', 'on', true)`,
        getPrisma().$executeRaw`DELETE FROM "AuditLog" WHERE "shopId" = ${shop.id}::uuid`,
      ]),
    );
    expect(await forShop(shop.id).auditLog.count()).toBe(0);
  });
});

describe("listAudit", () => {
  it("pages newest first in both directions, filters by action, and shows one shop only", async () => {
    const [shop, other] = await Promise.all([buildShop(), buildShop()]);
    const db = forShop(shop.id);
    const actions: AuditAction[] = ["TOKEN_REFRESHED", "CHANNEL_CONNECTED", "TOKEN_REFRESHED", "ORDER_APPROVED", "TOKEN_REFRESHED", "JOB_REPLAYED", "TOKEN_REFRESHED"];
    const written = [];
    for (const action of actions) written.push(await recordAudit(db, { actor: { type: "SYSTEM" }, action }));
    await recordAudit(forShop(other.id), { actor: { type: "SYSTEM" }, action: "TOKEN_REFRESHED" });
    // Newest first; rows written in the same millisecond are ordered by id.
    const newestFirst = [...written]
      .sort((x, y) => y.createdAt.getTime() - x.createdAt.getTime() || (y.id > x.id ? 1 : -1))
      .map((row) => row.id);

    const first = await listAudit(db, { limit: 3 });
    expect(first.rows.map((r) => r.id)).toEqual(newestFirst.slice(0, 3));
    expect(first).toMatchObject({ hasNewer: false, hasOlder: true });

    const last = first.rows[2];
    const second = await listAudit(db, { limit: 3, cursor: { direction: "older", at: last.createdAt, id: last.id } });
    expect(second.rows.map((r) => r.id)).toEqual(newestFirst.slice(3, 6));
    expect(second).toMatchObject({ hasNewer: true, hasOlder: true });

    const third = await listAudit(db, {
      limit: 3,
      cursor: { direction: "older", at: second.rows[2].createdAt, id: second.rows[2].id },
    });
    expect(third.rows.map((r) => r.id)).toEqual(newestFirst.slice(6));
    expect(third).toMatchObject({ hasNewer: true, hasOlder: false });

    const back = await listAudit(db, {
      limit: 3,
      cursor: { direction: "newer", at: second.rows[0].createdAt, id: second.rows[0].id },
    });
    expect(back.rows.map((r) => r.id)).toEqual(newestFirst.slice(0, 3));
    expect(back).toMatchObject({ hasNewer: false, hasOlder: true });

    const refreshes = await listAudit(db, { limit: 10, action: "TOKEN_REFRESHED" });
    expect(refreshes.rows).toHaveLength(4);
    expect(refreshes.rows.every((row) => row.action === "TOKEN_REFRESHED")).toBe(true);
  });
});
