// The slice of the GraphQL Admin API Rappit uses, with Shopify's cost throttle:
// every answer carries extensions.cost.throttleStatus, and a query costing more
// than what is left in the shop's bucket gets a THROTTLED error (HTTP 200).
import { buildSchema, graphql, parse, type DocumentNode, type FieldNode, type SelectionSetNode } from "graphql";
import type { EmulatedShop, ShopifyState } from "./state";

const schema = buildSchema(`
  type Shop { id: ID! name: String! currencyCode: String! myshopifyDomain: String! }
  type Location { id: ID! name: String! isPrimary: Boolean! }
  type Query {
    shop: Shop!
    "With no id: the shop's primary location, as in the Admin API."
    location(id: ID): Location
  }
`);

interface Bucket {
  available: number;
  updatedAt: number;
}

export const THROTTLE = { maximumAvailable: 2000, restoreRate: 100 };

/** Requested cost: 1 per object field selected, as Shopify counts objects (scalars are free). */
function costOf(selection: SelectionSetNode | undefined): number {
  if (!selection) return 0;
  return selection.selections
    .filter((node): node is FieldNode => node.kind === "Field")
    .reduce((sum, field) => sum + (field.selectionSet ? 1 + costOf(field.selectionSet) : 0), 0);
}

export class AdminGraphql {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly state: ShopifyState) {}

  private bucket(shop: string): Bucket {
    const bucket = this.buckets.get(shop) ?? { available: THROTTLE.maximumAvailable, updatedAt: Date.now() };
    const refill = ((Date.now() - bucket.updatedAt) / 1000) * THROTTLE.restoreRate;
    bucket.available = Math.min(THROTTLE.maximumAvailable, bucket.available + refill);
    bucket.updatedAt = Date.now();
    this.buckets.set(shop, bucket);
    return bucket;
  }

  /** Empties a shop's bucket, so its next query is throttled (fault injection). */
  drain(shop: string): void {
    this.bucket(shop).available = 0;
  }

  async execute(shop: EmulatedShop, body: { query?: string; variables?: Record<string, unknown> }) {
    let document: DocumentNode;
    try {
      document = parse(String(body.query ?? ""));
    } catch (error) {
      return { errors: [{ message: (error as Error).message, extensions: { code: "GRAPHQL_PARSE_FAILED" } }] };
    }
    const operation = document.definitions.find((d) => d.kind === "OperationDefinition");
    const requested = 1 + costOf(operation && "selectionSet" in operation ? operation.selectionSet : undefined);
    const bucket = this.bucket(shop.domain);
    const throttleStatus = () => ({
      maximumAvailable: THROTTLE.maximumAvailable,
      currentlyAvailable: Math.floor(bucket.available),
      restoreRate: THROTTLE.restoreRate,
    });
    if (requested > bucket.available) {
      return {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() } },
      };
    }
    bucket.available -= requested;
    const result = await graphql({
      schema,
      source: String(body.query),
      variableValues: body.variables,
      rootValue: {
        shop: () => ({ id: `gid://shopify/Shop/${shop.name}`, name: shop.name, currencyCode: shop.currencyCode, myshopifyDomain: shop.domain }),
        location: ({ id }: { id?: string }) =>
          !id || id === shop.primaryLocationId
            ? { id: shop.primaryLocationId, name: "Main warehouse", isPrimary: true }
            : null,
      },
    });
    return {
      ...result,
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: throttleStatus() } },
    };
  }
}
