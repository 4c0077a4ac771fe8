// app/scopes_update: the merchant granted or revoked optional scopes; record what is granted now.
import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getPrisma } from "~/db/prisma.server";
import { methodNotAllowed } from "~/http/responses";
import { authenticate } from "~/shopify.server";
import { recordScopes } from "~/shops/shop-service.server";

const payloadSchema = z.object({ current: z.array(z.string().min(1)) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, payload } = await authenticate.webhook(request);
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    return Response.json(
      { error: "app/scopes_update payload must have `current`: the list of granted scopes" },
      { status: 400 },
    );
  }
  await recordScopes(getPrisma(), shop, parsed.data.current);
  return new Response(null, { status: 200 });
};

export const loader = () => methodNotAllowed(["POST"]);
