// Small response builders shared by resource routes.

/** For POST-only endpoints: Remix would otherwise answer a GET with a 400 about loaders. */
export function methodNotAllowed(allowed: string[]): Response {
  return new Response(null, { status: 405, headers: { Allow: allowed.join(", ") } });
}
