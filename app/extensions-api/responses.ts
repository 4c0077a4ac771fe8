// How every extension route answers: a status and a JSON body (or a ready Response),
// always through the library's `cors` wrapper, unexpected failures included, so the
// extension reads the error instead of a CORS failure in the browser.
import { loggerFor } from "../logging/logger.server";

const logger = loggerFor("extensions-api");

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const answer = (status: number, body: unknown, headers?: Record<string, string>): Answer => ({ status, body, headers });
export const errorAnswer = (status: number, error: string, headers?: Record<string, string>): Answer => ({ status, body: { error }, headers });

type Cors = (response: Response) => Response;

// The library exposes only its reauthorize header; the extension also needs these to act on
// a 429/503 (Retry-After) and to name a downloaded label (Content-Disposition).
const EXPOSED = ["Retry-After", "Content-Disposition"];

export function withCors(cors: Cors, response: Response): Response {
  const wrapped = cors(response);
  const exposed = wrapped.headers.get("Access-Control-Expose-Headers");
  if (exposed !== null) wrapped.headers.set("Access-Control-Expose-Headers", [exposed, ...EXPOSED].filter(Boolean).join(", "));
  return wrapped;
}

export function toResponse(result: Answer | Response): Response {
  if (result instanceof Response) return result;
  return Response.json(result.body, { status: result.status, headers: result.headers });
}

/**
 * Runs the route's work after authentication and answers through `cors`. A thrown Response
 * (a library redirect or 4xx) keeps its status; anything else is logged and becomes a 500
 * with a message, still with CORS headers.
 */
export async function corsAnswer(cors: Cors, work: () => Promise<Answer | Response>, context: Record<string, unknown> = {}): Promise<Response> {
  try {
    return withCors(cors, toResponse(await work()));
  } catch (thrown) {
    if (thrown instanceof Response) return withCors(cors, thrown);
    logger.error({ ...context, err: thrown }, "extension API request failed");
    return withCors(cors, Response.json({ error: "Rappit could not complete this request. Try again; if it keeps failing, open Rappit's Jobs page." }, { status: 500 }));
  }
}

/** A POST-only route's loader: it answers the CORS preflight (the library does, inside authenticate.admin) and 405 otherwise. */
export const methodNotAllowed = (): Answer => ({ status: 405, body: { error: "Use POST." }, headers: { Allow: "POST, OPTIONS" } });
