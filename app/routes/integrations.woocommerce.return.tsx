// The merchant's browser comes back from the store's grant page (approve or deny)
// and goes on into the embedded app, whose connections page shows the outcome.
import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { acceptWooReturn } from "~/channels/woocommerce/connect.server";
import { getPrisma } from "~/db/prisma.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  return redirect(await acceptWooReturn(getPrisma(), new URL(request.url).searchParams));
};
