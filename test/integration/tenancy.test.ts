import { Prisma } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, forShop, getPrisma } from "~/db/prisma.server";
import { GLOBAL_MODELS, MERCHANT_MODELS, TenancyError, withSystemContext } from "~/security/tenancy";
import { buildShop } from "../factories/shop.factory";
import { merchantRowData } from "../factories/merchant-rows";

afterAll(disconnectPrisma);

// A model delegate, seen generically so the test can walk every model.
interface Delegate {
  create(args: unknown): Promise<{ id: string }>;
  findMany(args?: unknown): Promise<Array<{ id: string }>>;
  findFirst(args?: unknown): Promise<{ id: string } | null>;
  findUnique(args: unknown): Promise<{ id: string } | null>;
  count(args?: unknown): Promise<number>;
  update(args: unknown): Promise<unknown>;
  updateMany(args: unknown): Promise<{ count: number }>;
  delete(args: unknown): Promise<unknown>;
  deleteMany(args?: unknown): Promise<{ count: number }>;
  upsert(args: unknown): Promise<unknown>;
}

function delegate(client: unknown, model: string): Delegate {
  return (client as Record<string, Delegate>)[model.charAt(0).toLowerCase() + model.slice(1)];
}

const models = [...MERCHANT_MODELS].sort();

/** Resolves to "refused" when the operation throws, else to its outcome. */
async function attempt<T>(operation: () => Promise<T>): Promise<T | "refused"> {
  return operation().catch(() => "refused" as const);
}

describe("the schema", () => {
  it("gives every model a shopId unless it is a declared global model", () => {
    const unscoped = Prisma.dmmf.datamodel.models
      .filter((model) => !MERCHANT_MODELS.has(model.name))
      .map((model) => model.name);
    expect(unscoped.filter((name) => !(name in GLOBAL_MODELS))).toEqual([]);
  });

  it("has test data for every merchant model", () => {
    expect(models.filter((model) => !(model in merchantRowData))).toEqual([]);
    expect(models.length).toBeGreaterThan(0);
  });
});

describe.each(models)("tenant isolation of %s", (model) => {
  async function twoShopsWithRows() {
    const [shopA, shopB] = await Promise.all([buildShop(), buildShop()]);
    const [a, b] = [forShop(shopA.id), forShop(shopB.id)];
    const rowA = await delegate(a, model).create({ data: await merchantRowData[model](a) });
    const rowB = await delegate(b, model).create({ data: await merchantRowData[model](b) });
    return { shopA, shopB, rowA, rowB };
  }

  it("stamps the shop on create and reads only that shop's rows", async () => {
    const { shopA, rowA, rowB } = await twoShopsWithRows();
    const a = delegate(forShop(shopA.id), model);
    // Installing a shop creates rows of its own (its Shopify channel): compare by id.
    const ids = (await a.findMany()).map((row) => row.id);
    expect(ids).toContain(rowA.id);
    expect(ids).not.toContain(rowB.id);
    expect(await a.count()).toBe(ids.length);
    expect(await a.findUnique({ where: { id: rowB.id } })).toBeNull();
    expect(await a.findFirst({ where: { id: rowB.id } })).toBeNull();
  });

  it("cannot update or delete another shop's rows", async () => {
    const { shopA, shopB, rowB } = await twoShopsWithRows();
    const a = delegate(forShop(shopA.id), model);
    const change = await merchantRowData[model](forShop(shopA.id));

    const updated = await attempt(() => a.updateMany({ where: { id: rowB.id }, data: change }));
    expect(updated === "refused" || updated.count === 0).toBe(true);
    expect(await attempt(() => a.update({ where: { id: rowB.id }, data: change }))).toBe("refused");
    expect(await attempt(() => a.delete({ where: { id: rowB.id } }))).toBe("refused");
    const deleted = await attempt(() => a.deleteMany({ where: { id: rowB.id } }));
    expect(deleted === "refused" || deleted.count === 0).toBe(true);

    const b = delegate(forShop(shopB.id), model);
    expect((await b.findMany()).map((row) => row.id)).toContain(rowB.id);
  });

  it("refuses to name another shop, in a filter or in data", async () => {
    const { shopA, shopB } = await twoShopsWithRows();
    const a = delegate(forShop(shopA.id), model);
    await expect(a.findMany({ where: { shopId: shopB.id } })).rejects.toBeInstanceOf(TenancyError);
    await expect(a.create({ data: { ...(await merchantRowData[model](forShop(shopA.id))), shopId: shopB.id } })).rejects.toBeInstanceOf(
      TenancyError,
    );
  });

  it("refuses an unscoped query from the app's client", async () => {
    const shopA = await buildShop();
    const unscoped = delegate(getPrisma(), model);
    await expect(unscoped.findMany()).rejects.toBeInstanceOf(TenancyError);
    await expect(unscoped.count()).rejects.toBeInstanceOf(TenancyError);
    await expect(unscoped.deleteMany()).rejects.toBeInstanceOf(TenancyError);
    await expect(unscoped.create({ data: await merchantRowData[model](forShop(shopA.id)) })).rejects.toBeInstanceOf(
      TenancyError,
    );
  });

  it("crosses shops only inside a named system context", async () => {
    const { rowA, rowB } = await twoShopsWithRows();
    const ids = await withSystemContext("tenancy-test", () =>
      delegate(getPrisma(), model).findMany({ where: { id: { in: [rowA.id, rowB.id] } } }),
    );
    expect(ids.map((row) => row.id).sort()).toEqual([rowA.id, rowB.id].sort());
  });
});
