// Remix loaders and actions answer by returning or by throwing a Response (redirects,
// 4xx from the Shopify library): tests want the Response either way.
/** Runs a loader or action and returns its Response, whether returned or thrown. */
export async function settle(run: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await run();
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
