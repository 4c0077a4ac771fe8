// The three ways carriers authenticate API calls, and the token request each
// OAuth kind makes. Pure: no I/O, so tests check the exact bytes we send.

export type CarrierAuth =
  /** FedEx, DHL eCommerce Americas: the app's (or merchant's) API key and secret. */
  | { kind: "client_credentials"; tokenUrl: string; clientId: string; clientSecret: string; clientAuth?: "form" | "basic" }
  /** DHL Parcel DE (OAuth2 ROPC): our client id/secret plus the merchant's portal login. */
  | { kind: "password"; tokenUrl: string; clientId: string; clientSecret: string; username: string; password: string }
  /** DHL Express (MyDHL): no token, every call carries HTTP Basic. */
  | { kind: "basic"; username: string; password: string };

export type TokenAuth = Exclude<CarrierAuth, { kind: "basic" }>;

export interface TokenHttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/** The form-encoded token request of an OAuth kind. */
export function tokenRequest(auth: TokenAuth): TokenHttpRequest {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    Accept: "application/json",
  };
  const form = new URLSearchParams();
  if (auth.kind === "password") {
    form.set("grant_type", "password");
    form.set("username", auth.username);
    form.set("password", auth.password);
    form.set("client_id", auth.clientId);
    form.set("client_secret", auth.clientSecret);
  } else {
    form.set("grant_type", "client_credentials");
    if (auth.clientAuth === "basic") {
      // RFC 6749 §2.3.1: id and secret are form-encoded before the Basic encoding,
      // so a secret with ':' or '%' survives the round trip.
      headers.Authorization = basicAuthorization(formEncode(auth.clientId), formEncode(auth.clientSecret));
    } else {
      form.set("client_id", auth.clientId);
      form.set("client_secret", auth.clientSecret);
    }
  }
  return { url: auth.tokenUrl, headers, body: form.toString() };
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** The secret values of an auth, to scrub from anything a carrier echoes back. */
export function secretsOf(auth: CarrierAuth): string[] {
  if (auth.kind === "basic") return [auth.password];
  if (auth.kind === "password") return [auth.clientSecret, auth.password];
  return [auth.clientSecret];
}
