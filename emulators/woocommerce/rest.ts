// The WordPress REST server's side of /wp-json: routes, the WP_Error shape,
// argument validation (run before the permission check, as WordPress does),
// and collection pagination headers.
import { addQueryArg, urlencode } from "./php";
import type { ApiKey, WooState } from "./state";

export interface RestReply {
  status: number;
  body: unknown;
  headers?: Record<string, string | string[]>;
}

export interface RestContext {
  state: WooState;
  /** Effective method: HEAD is served as GET, POST may carry _method / X-HTTP-Method-Override. */
  method: string;
  /** The route after /wp-json, e.g. "/wc/v3/orders/12". */
  route: string;
  /** Named groups of the matched route pattern. */
  params: Record<string, string>;
  /** Query string pairs in request order. */
  query: Array<[string, string]>;
  /** The JSON or form body as an object; null when absent or not an object. */
  body: Record<string, unknown> | null;
  /** The raw parsed body (batch requests read it whole). */
  rawBody: unknown;
  key: ApiKey | null;
}

/** What an anonymous caller is refused for, in WooCommerce's words. */
export type Capability = "list" | "view" | "create" | "edit" | "delete" | "batch";

export interface RestRoute {
  methods: string[];
  pattern: RegExp;
  /** null: public (the namespace index). */
  capability: Capability | null;
  /** For view/edit/delete WooCommerce only refuses an anonymous caller when the object exists; otherwise the handler answers "Invalid ID.". */
  exists?: (ctx: RestContext) => boolean;
  /** Argument validation; WordPress runs it before the permission check. */
  validate?: (ctx: RestContext) => RestReply | null;
  /** Checks a controller makes before its permission check (fulfillments look the order up first). */
  precheck?: (ctx: RestContext) => RestReply | null;
  handle: (ctx: RestContext) => RestReply | Promise<RestReply>;
}

export const READ_METHODS = ["GET"];
export const EDIT_METHODS = ["POST", "PUT", "PATCH"];

export function restError(status: number, code: string, message: string, data: Record<string, unknown> = {}): RestReply {
  return { status, body: { code, message, data: { status, ...data } } };
}

export const NO_ROUTE = (): RestReply => restError(404, "rest_no_route", "No route was found matching the URL and request method.");

const DENIED: Record<Capability, [string, string]> = {
  list: ["woocommerce_rest_cannot_view", "Sorry, you cannot list resources."],
  view: ["woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."],
  create: ["woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."],
  edit: ["woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."],
  delete: ["woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."],
  batch: ["woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."],
};

/** rest_authorization_required_code() is 401 for a caller WordPress did not log in. */
export function denied(capability: Capability): RestReply {
  const [code, message] = DENIED[capability];
  return restError(401, code, message);
}

/** A request parameter as WP_REST_Request::get_param() sees it: route, then body, then query. */
export function param(ctx: RestContext, name: string): unknown {
  if (name in ctx.params) return ctx.params[name];
  if (ctx.body && name in ctx.body) return ctx.body[name];
  let found: string | undefined;
  for (const [key, value] of ctx.query) if (key === name) found = value;
  return found;
}

/** wp_sprintf's %l: "a", "a and b", "a, b, and c". */
function listing(items: string[]): string {
  if (items.length <= 1) return items.join("");
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(", ")}, and ${items[items.length - 1]}`;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}(?::\d{2})?)?$/;

/** Collects argument errors the way WP_REST_Request::has_valid_params() reports them. */
export class Args {
  private readonly errors: Array<[string, string, string]> = [];

  constructor(private readonly ctx: RestContext) {}

  private fail(name: string, code: string, message: string): undefined {
    this.errors.push([name, code, message]);
    return undefined;
  }

  integer(name: string, options: { min?: number; max?: number; fallback: number }): number;
  integer(name: string, options: { min?: number; max?: number }): number | undefined;
  integer(name: string, options: { min?: number; max?: number; fallback?: number }): number | undefined {
    const raw = param(this.ctx, name);
    if (raw === undefined || raw === null) return options.fallback;
    const value = typeof raw === "number" ? raw : typeof raw === "string" && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
    if (!Number.isInteger(value)) return this.fail(name, "rest_invalid_type", `${name} is not of type integer.`) ?? options.fallback;
    const { min, max } = options;
    if (min !== undefined && max !== undefined && (value < min || value > max)) {
      return this.fail(name, "rest_out_of_bounds", `${name} must be between ${min} (inclusive) and ${max} (inclusive)`) ?? options.fallback;
    }
    if (min !== undefined && value < min) return this.fail(name, "rest_out_of_bounds", `${name} must be greater than or equal to ${min}`) ?? options.fallback;
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = param(this.ctx, name);
    if (raw === undefined || raw === null) return fallback;
    if (raw === true || raw === 1 || raw === "true" || raw === "1") return true;
    if (raw === false || raw === 0 || raw === "false" || raw === "0" || raw === "") return false;
    return this.fail(name, "rest_invalid_type", `${name} is not of type boolean.`) ?? fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = param(this.ctx, name);
    if (raw === undefined || raw === null) return fallback;
    if (typeof raw === "string" && (allowed as readonly string[]).includes(raw)) return raw as T;
    return this.fail(name, "rest_not_in_enum", `${name} is not one of ${listing([...allowed])}.`) ?? fallback;
  }

  /** An array argument: a JSON array or a comma separated string, as wp_parse_list() reads it. */
  list(name: string, allowed: readonly string[] | null, fallback: string[]): string[] {
    const raw = param(this.ctx, name);
    if (raw === undefined || raw === null) return fallback;
    const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(/[\s,]+/).filter(Boolean);
    if (allowed) {
      for (let i = 0; i < items.length; i++) {
        if (!allowed.includes(items[i])) return this.fail(name, "rest_not_in_enum", `${name}[${i}] is not one of ${listing([...allowed])}.`) ?? fallback;
      }
    }
    return items;
  }

  /** A date-time argument as epoch ms (seconds precision); no zone means the store's (UTC). */
  date(name: string): number | undefined {
    const raw = param(this.ctx, name);
    if (raw === undefined || raw === null || raw === "") return undefined;
    if (typeof raw !== "string" || !DATE_TIME.test(raw)) return this.fail(name, "rest_invalid_date", "Invalid date.");
    const zoned = /([Zz]|[+-]\d{2}(:?\d{2})?)$/.test(raw) ? raw : `${raw}Z`;
    const ms = Date.parse(zoned.replace(" ", "T"));
    if (Number.isNaN(ms)) return this.fail(name, "rest_invalid_date", "Invalid date.");
    return Math.floor(ms / 1000) * 1000;
  }

  error(): RestReply | null {
    if (this.errors.length === 0) return null;
    const params: Record<string, string> = {};
    const details: Record<string, unknown> = {};
    for (const [name, code, message] of this.errors) {
      params[name] = message;
      details[name] = { code, message, data: null };
    }
    return restError(400, "rest_invalid_param", `Invalid parameter(s): ${Object.keys(params).join(", ")}`, { params, details });
  }
}

/** A missing required argument, as WordPress reports it. */
export function missingParams(names: string[]): RestReply {
  return restError(400, "rest_missing_callback_param", `Missing parameter(s): ${names.join(", ")}`, { params: names });
}

export function collectionUrl(ctx: RestContext, route: string): string {
  return `${ctx.state.homeUrl}/wp-json${route}`;
}

/**
 * One page of a collection with WooCommerce's headers: X-WP-Total,
 * X-WP-TotalPages and Link rel="prev"/"next" built from the request's own
 * query parameters (credentials and OAuth parameters included, as WordPress does).
 */
export function paginate<T>(ctx: RestContext, items: T[], page: number, perPage: number, route: string): { items: T[]; headers: Record<string, string | string[]> } {
  const total = items.length;
  const maxPages = Math.ceil(total / perPage);
  const base = addQueryArg(collectionUrl(ctx, route), ctx.query.map(([key, value]) => [key, urlencode(value)]));
  const links: string[] = [];
  if (page > 1) links.push(`<${addQueryArg(base, [["page", String(Math.min(page - 1, Math.max(maxPages, 1)))]])}>; rel="prev"`);
  if (maxPages > page) links.push(`<${addQueryArg(base, [["page", String(page + 1)]])}>; rel="next"`);
  const headers: Record<string, string | string[]> = { "X-WP-Total": String(total), "X-WP-TotalPages": String(maxPages) };
  if (links.length > 0) headers.Link = links;
  return { items: items.slice((page - 1) * perPage, page * perPage), headers };
}

/** The per_page/page pair every WooCommerce collection takes. */
export function pageArgs(args: Args): { page: number; perPage: number } {
  return {
    page: args.integer("page", { min: 1, fallback: 1 }),
    perPage: args.integer("per_page", { min: 1, max: 100, fallback: 10 }),
  };
}

export function selfLinks(ctx: RestContext, collection: string, id: number): Record<string, Array<{ href: string }>> {
  return { self: [{ href: `${collectionUrl(ctx, collection)}/${id}` }], collection: [{ href: collectionUrl(ctx, collection) }] };
}
