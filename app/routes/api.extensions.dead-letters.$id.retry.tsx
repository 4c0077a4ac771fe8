// POST /api/extensions/dead-letters/:id/retry — the order block's Retry on a job that used
// up its attempts: the same retry as the Jobs page. The loader authenticates for the CORS
// preflight and answers 405 otherwise.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { extensionRoute } from "~/extensions-api/context.server";
import { retryFromExtension } from "~/extensions-api/dead-letters.server";
import { methodNotAllowed } from "~/extensions-api/responses";

export const loader = ({ request }: LoaderFunctionArgs) => extensionRoute(request, async () => methodNotAllowed());

export const action = ({ request, params }: ActionFunctionArgs) => extensionRoute(request, (extension) => retryFromExtension(extension, params.id ?? ""));
