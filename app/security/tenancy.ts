// Tenant isolation for Prisma. Every merchant model (one with a `shopId` field)
// is reachable only through a shop-scoped client (`forShop`), which filters every
// read, update and delete by the shop and stamps it on every create. The app's
// ordinary client refuses a merchant-model query without a shop scope, except
// inside `withSystemContext(reason, ...)`, the few deliberate cross-shop paths
// (GDPR shop purge, key rotation, sweepers). grep for withSystemContext to audit them.
import { AsyncLocalStorage } from "node:async_hooks";
import { Prisma } from "@prisma/client";

/** Models that are not merchant data keyed by shopId, each for a stated reason. */
export const GLOBAL_MODELS: Readonly<Record<string, string>> = {
  Session: "Shopify's session storage, keyed by shop domain and managed by the Shopify library",
  Shop: "the tenant itself",
};

export class TenancyError extends Error {
  readonly status = 403;
  constructor(message: string) {
    super(message);
    this.name = "TenancyError";
  }
}

export const MERCHANT_MODELS: ReadonlySet<string> = new Set(
  Prisma.dmmf.datamodel.models
    .filter((model) => model.fields.some((field) => field.name === "shopId"))
    .map((model) => model.name),
);

const systemContext = new AsyncLocalStorage<{ reason: string }>();

/** The reason of the system context this code runs in, if any. */
export function currentSystemContext(): string | undefined {
  return systemContext.getStore()?.reason;
}

/**
 * Runs `work` with cross-shop access to merchant models. Name the reason: it is
 * logged by callers and makes every use greppable (GDPR purge, key rotation, sweepers).
 */
export function withSystemContext<T>(reason: string, work: () => Promise<T>): Promise<T> {
  // Await inside the context: Prisma queries are lazy and run when awaited.
  return systemContext.run({ reason }, async () => await work());
}

type Args = Record<string, unknown> | undefined;

const CREATES = new Set(["create", "createMany", "createManyAndReturn"]);
const UPSERTS = new Set(["upsert"]);

function whereShopId(args: Args): unknown {
  return (args?.where as Record<string, unknown> | undefined)?.shopId;
}

function dataItems(args: Args): Array<Record<string, unknown>> {
  const data = args?.data;
  if (Array.isArray(data)) return data as Array<Record<string, unknown>>;
  return data && typeof data === "object" ? [data as Record<string, unknown>] : [];
}

/** Throws unless the query names exactly one shop in its filter or data. */
export function assertShopScoped(model: string, operation: string, args: Args): void {
  const scoped = CREATES.has(operation)
    ? dataItems(args).length > 0 && dataItems(args).every((item) => typeof item.shopId === "string")
    : UPSERTS.has(operation)
      ? typeof whereShopId(args) === "string" &&
        typeof (args?.create as Record<string, unknown> | undefined)?.shopId === "string"
      : typeof whereShopId(args) === "string";
  if (!scoped) {
    throw new TenancyError(
      `${model}.${operation} without a shop scope: use forShop(shopId) for merchant data, ` +
        `or withSystemContext(reason, ...) for a deliberate cross-shop operation`,
    );
  }
}

/** The Prisma extension that refuses unscoped merchant-model queries. */
export const tenancyGuard = Prisma.defineExtension({
  name: "tenancy-guard",
  query: {
    $allModels: {
      $allOperations({ model, operation, args, query }) {
        if (MERCHANT_MODELS.has(model) && !currentSystemContext()) {
          assertShopScoped(model, operation, args as Args);
        }
        return query(args);
      },
    },
  },
});

function sameShop(model: string, value: unknown, shopId: string): void {
  if (value !== undefined && value !== shopId) {
    throw new TenancyError(`${model}: a query scoped to shop ${shopId} named another shop`);
  }
}

/** The Prisma extension that scopes every merchant-model query to one shop. */
export function shopScope(shopId: string) {
  return Prisma.defineExtension({
    name: `shop-scope`,
    client: {
      /** The shop this client is scoped to. */
      $shopId: () => shopId,
    },
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          if (!MERCHANT_MODELS.has(model)) return query(args);
          const scoped: Record<string, unknown> = { ...(args as Record<string, unknown> | undefined) };
          if (CREATES.has(operation)) {
            const stamp = (item: Record<string, unknown>) => {
              sameShop(model, item.shopId, shopId);
              return { ...item, shopId };
            };
            scoped.data = Array.isArray(scoped.data)
              ? (scoped.data as Array<Record<string, unknown>>).map(stamp)
              : stamp((scoped.data ?? {}) as Record<string, unknown>);
          } else {
            const where = (scoped.where ?? {}) as Record<string, unknown>;
            sameShop(model, where.shopId, shopId);
            scoped.where = { ...where, shopId };
            if (UPSERTS.has(operation)) {
              const create = (scoped.create ?? {}) as Record<string, unknown>;
              sameShop(model, create.shopId, shopId);
              scoped.create = { ...create, shopId };
            }
          }
          return query(scoped as typeof args);
        },
      },
    },
  });
}
