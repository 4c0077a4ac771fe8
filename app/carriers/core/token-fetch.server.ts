// One request to a carrier's OAuth token endpoint. Failures become
// TokenRequestError with the carrier's words; the secret never leaves.
import { request, type Dispatcher } from "undici";
import { z } from "zod";
import { secretsOf, tokenRequest, type TokenAuth } from "./auth";
import { TokenRequestError, scrub, tokenFailureFromResponse } from "./token-errors";

export interface FetchedToken {
  /** "Bearer <access_token>": what the cache stores and calls send. */
  authorization: string;
  /** null when the answer had no usable expires_in. */
  expiresInSeconds: number | null;
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  // Some servers send it as a string ("3599"); anything else is treated as missing.
  expires_in: z.union([z.number(), z.string()]).optional().nullable(),
});

export async function fetchToken(
  provider: string,
  auth: TokenAuth,
  options: { timeoutMs: number; dispatcher?: Dispatcher },
): Promise<FetchedToken> {
  const { url, headers, body } = tokenRequest(auth);
  const secrets = secretsOf(auth);
  let status: number;
  let text: string;
  try {
    const response = await request(url, {
      method: "POST",
      headers,
      body,
      dispatcher: options.dispatcher,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    status = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    const reason =
      error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
        ? `no answer within ${options.timeoutMs} ms`
        : `could not reach ${new URL(url).host}: ${error instanceof Error ? error.message : String(error)}`;
    throw new TokenRequestError({
      provider,
      status: null,
      code: null,
      carrierMessage: scrub(reason, secrets),
      credentialsRejected: false,
      retryable: true,
    });
  }

  if (status < 200 || status >= 300) throw tokenFailureFromResponse(provider, status, text, secrets);

  let parsed: z.infer<typeof tokenAnswer> | null = null;
  try {
    const result = tokenAnswer.safeParse(JSON.parse(text));
    parsed = result.success ? result.data : null;
  } catch {
    parsed = null;
  }
  if (!parsed) {
    // Never quote the body: it may hold a token in an unexpected field.
    throw new TokenRequestError({
      provider,
      status,
      code: "invalid_token_response",
      carrierMessage: `the token endpoint answered ${status} without an access_token`,
      credentialsRejected: false,
      retryable: true,
    });
  }
  const expiresIn = Number(parsed.expires_in);
  return {
    authorization: `Bearer ${parsed.access_token}`,
    expiresInSeconds: parsed.expires_in !== undefined && parsed.expires_in !== null && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : null,
  };
}
