import { afterAll, describe, expect, it } from "vitest";

// The app's WhatsApp and email setup, as an operator would set it (read once by getConfig).
Object.assign(process.env, {
  WHATSAPP_TOKEN: "EAAG-secret-whatsapp-token",
  WHATSAPP_PHONE_NUMBER_ID: "1234567890",
  SMTP_URL: "smtp://mailer:smtp-password@127.0.0.1:2525",
});

const { disconnectPrisma, forShop, getPrisma } = await import("~/db/prisma.server");
const { action, loader } = await import("~/routes/app.settings");
const { messagingSetup } = await import("~/shops/shop-settings.server");
const { buildShop } = await import("../factories/shop.factory");
const { adminRequest, settle } = await import("../support/admin-requests");

afterAll(async () => {
  await disconnectPrisma();
});

type RouteFn = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;

async function call(fn: unknown, shop: string, init?: RequestInit) {
  return settle(async () => (fn as RouteFn)({ request: await adminRequest(shop, "/app/settings", init), params: {}, context: {} }));
}

function save(fields: Record<string, string>): RequestInit {
  const form = new FormData();
  for (const name of ["approverEmails", "whatsappLanguage", "whatsappApproved", "whatsappRejected", "whatsappShipped"]) {
    form.set(name, fields[name] ?? "");
  }
  return { method: "POST", body: form };
}

async function stored(shopId: string) {
  return getPrisma().shop.findUniqueOrThrow({ where: { id: shopId }, select: { approverEmails: true, whatsappTemplates: true } });
}

async function audits(shopId: string) {
  return forShop(shopId).auditLog.findMany({ where: { action: "SETTINGS_CHANGED" }, orderBy: { createdAt: "asc" } });
}

describe("/app/settings", () => {
  it("shows the settings, the owner's email as the default approver, and the app's sending setup without secrets", async () => {
    const shop = await buildShop();
    await getPrisma().shop.update({ where: { id: shop.id }, data: { ownerEmail: "owner@shop.example" } });
    const response = await call(loader, shop.domain);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      settings: { approverEmails: [], ownerEmail: "owner@shop.example", whatsappTemplates: null },
      setup: { whatsappConfigured: true, email: "SMTP", smtpFallback: false },
      maxApprovers: 10,
      // The checkout pixel section (tested in pixel-activation.test.ts).
      pixel: { active: false, webPixelId: null, endpoint: expect.stringMatching(/\/api\/pixel\/events$/), scopesGranted: false },
    });
    expect(text).not.toContain("secret-whatsapp-token");
    expect(text).not.toContain("smtp-password");
    expect(text).not.toContain("1234567890");
  });

  it("saves valid settings, normalised, with a SETTINGS_CHANGED audit row holding before and after", async () => {
    const shop = await buildShop();
    const response = await call(
      action,
      shop.domain,
      save({
        approverEmails: " Ops@Shop.example,\nfinance@shop.example\r\n\nops@shop.example ; cod@shop.example",
        whatsappLanguage: "en_US",
        whatsappApproved: "order_approved_v2",
        whatsappShipped: "order_shipped",
      }),
    );
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ ok: true, message: "Settings saved." });
    const expected = {
      approverEmails: ["ops@shop.example", "finance@shop.example", "cod@shop.example"],
      whatsappTemplates: { language: "en_US", approved: "order_approved_v2", rejected: null, shipped: "order_shipped" },
    };
    expect(await stored(shop.id)).toEqual(expected);
    const [audit] = await audits(shop.id);
    expect(audit).toMatchObject({
      actorType: "USER",
      subjectType: "Shop",
      subjectId: shop.id,
      before: { approverEmails: [], whatsappTemplates: null },
      after: expected,
    });

    // The same values again change nothing and write no audit row.
    const again = await call(action, shop.domain, save({ approverEmails: "ops@shop.example, finance@shop.example, cod@shop.example", whatsappLanguage: "en_US", whatsappApproved: "order_approved_v2", whatsappShipped: "order_shipped" }));
    expect(await again.json()).toMatchObject({ ok: true, message: "Nothing changed." });
    expect(await audits(shop.id)).toHaveLength(1);

    // Clearing everything: back to the owner, no WhatsApp.
    await call(action, shop.domain, save({}));
    expect(await stored(shop.id)).toEqual({ approverEmails: [], whatsappTemplates: null });
    const rows = await audits(shop.id);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ before: expected, after: { approverEmails: [], whatsappTemplates: null } });

    const page = await (await call(loader, shop.domain)).json();
    expect(page.settings).toMatchObject({ approverEmails: [], whatsappTemplates: null });
  });

  it("rejects bad input field by field and saves nothing", async () => {
    const shop = await buildShop();
    await call(action, shop.domain, save({ approverEmails: "ops@shop.example", whatsappLanguage: "en", whatsappApproved: "approved" }));
    const before = await stored(shop.id);
    const auditCount = (await audits(shop.id)).length;

    const cases: Array<[Record<string, string>, Record<string, RegExp>]> = [
      [{ approverEmails: "ops@shop.example, not-an-email" }, { approverEmails: /Not an email address: not-an-email/ }],
      [
        { approverEmails: Array.from({ length: 11 }, (_, i) => `a${i}@shop.example`).join("\n") },
        { approverEmails: /At most 10 approvers \(11 given\)/ },
      ],
      [{ whatsappLanguage: "en_US", whatsappApproved: "Order-Approved" }, { whatsappApproved: /lowercase letters, digits and underscores/ }],
      [{ whatsappLanguage: "en_US", whatsappShipped: "shipped now" }, { whatsappShipped: /lowercase/ }],
      [{ whatsappLanguage: "english", whatsappRejected: "rejected" }, { whatsappLanguage: /language code/ }],
      [{ whatsappRejected: "rejected" }, { whatsappLanguage: /Give the language/ }],
      // Several errors at once: each shown by its field; the valid field is not saved either.
      [
        { approverEmails: "x@", whatsappLanguage: "en_US", whatsappApproved: "ok_name", whatsappShipped: "BAD" },
        { approverEmails: /Not an email address/, whatsappShipped: /lowercase/ },
      ],
    ];
    for (const [fields, errors] of cases) {
      const response = await call(action, shop.domain, save(fields));
      expect(response.status, JSON.stringify(fields)).toBe(400);
      const body = await response.json();
      expect(body.ok).toBe(false);
      expect(body.message).toMatch(/Nothing was saved/);
      expect(Object.keys(body.errors).sort()).toEqual(Object.keys(errors).sort());
      for (const [field, pattern] of Object.entries(errors)) expect(body.errors[field]).toMatch(pattern);
    }
    expect(await stored(shop.id)).toEqual(before);
    expect(await audits(shop.id)).toHaveLength(auditCount);
  });

  it("keeps each shop's settings to itself", async () => {
    const shop = await buildShop();
    const other = await buildShop();
    await call(action, shop.domain, save({ approverEmails: "ops@shop.example" }));
    expect((await stored(other.id)).approverEmails).toEqual([]);
    expect(await audits(other.id)).toHaveLength(0);
  });
});

describe("messagingSetup", () => {
  it("names the email transport and whether WhatsApp is complete", () => {
    expect(messagingSetup({ SENDGRID_API_KEY: "SG.x", SMTP_URL: "smtp://h", WHATSAPP_TOKEN: "t", WHATSAPP_PHONE_NUMBER_ID: undefined })).toEqual({
      whatsappConfigured: false,
      email: "SENDGRID",
      smtpFallback: true,
    });
    expect(messagingSetup({ SENDGRID_API_KEY: undefined, SMTP_URL: undefined, WHATSAPP_TOKEN: undefined, WHATSAPP_PHONE_NUMBER_ID: "1" })).toEqual({
      whatsappConfigured: false,
      email: "NONE",
      smtpFallback: false,
    });
  });
});
