import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop, pgPoolOf } from "~/db/prisma.server";
import { runWithRequestContext } from "~/logging/request-context.server";
import { recordAudit, recordAuditSql } from "~/security/audit.server";
import { buildShop } from "../factories/shop.factory";

afterAll(disconnectPrisma);

// An audit row written during a request or a job carries that request id, so support can
// go from a row on the Activity page to the log lines of the request that wrote it.
describe("audit rows and request ids", () => {
  it("take the current request id unless the entry names one", async () => {
    const shop = await buildShop();
    const db = forShop(shop.id);
    const entry = { actor: { type: "SYSTEM" as const }, action: "SETTINGS_CHANGED" as const };
    const [inRequest, named, outside] = [
      await runWithRequestContext({ requestId: "req-audit-0001" }, () => recordAudit(db, entry)),
      await runWithRequestContext({ requestId: "req-audit-0001" }, () => recordAudit(db, { ...entry, requestId: "given-0002" })),
      await recordAudit(db, entry),
    ];
    expect([inRequest.requestId, named.requestId, outside.requestId]).toEqual(["req-audit-0001", "given-0002", null]);

    await runWithRequestContext({ requestId: "req-audit-0003" }, () => recordAuditSql(pgPoolOf(db), shop.id, entry));
    expect(await db.auditLog.count({ where: { requestId: "req-audit-0003" } })).toBe(1);
  });
});
