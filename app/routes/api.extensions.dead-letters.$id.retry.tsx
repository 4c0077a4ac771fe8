// POST /api/extensions/dead-letters/:id/retry — the order block's Retry on a job that used
// up its attempts: the same retry as the Jobs page. The loader authenticates for the CORS
// preflight and answers 405 otherwise.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { forShop, getPrisma } from "~/db/prisma.server";
import { DeadLetterNotFoundError, DeadLetterNotRetryableError, retryDeadLetter } from "~/jobs/dead-letters.server";
import { QueueUnavailableError } from "~/jobs/queues.server";
import { authenticate } from "~/shopify.server";
import { shopOfSession } from "~/shops/current-shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { cors } = await authenticate.admin(request);
  return cors(Response.json({ error: "Use POST." }, { status: 405, headers: { Allow: "POST" } }));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session, sessionToken, cors } = await authenticate.admin(request);
  const shop = await shopOfSession(getPrisma(), session);
  const actor = { type: "USER" as const, id: sessionToken?.sub ? String(sessionToken.sub) : undefined };
  try {
    const { jobId } = await retryDeadLetter(forShop(shop.id), params.id ?? "", actor);
    return cors(Response.json({ jobId }));
  } catch (error) {
    if (error instanceof DeadLetterNotFoundError || error instanceof DeadLetterNotRetryableError) {
      return cors(Response.json({ error: error.message }, { status: error.status }));
    }
    if (error instanceof QueueUnavailableError) {
      return cors(Response.json({ error: "The job queue does not answer right now. Try again in a minute." }, { status: 503 }));
    }
    throw error;
  }
};
