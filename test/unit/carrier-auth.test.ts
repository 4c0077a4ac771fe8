import { describe, expect, it } from "vitest";
import { basicAuthorization, secretsOf, tokenRequest } from "~/carriers/core/auth";
import { parseCarrierError, tokenFailureFromResponse } from "~/carriers/core/token-errors";

describe("token requests", () => {
  it("form-encodes the client credentials grant", () => {
    const request = tokenRequest({ kind: "client_credentials", tokenUrl: "https://apis-sandbox.fedex.com/oauth/token", clientId: "l7xx", clientSecret: "a+b/c=" });
    expect(request).toEqual({
      url: "https://apis-sandbox.fedex.com/oauth/token",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: "grant_type=client_credentials&client_id=l7xx&client_secret=a%2Bb%2Fc%3D",
    });
  });

  it("sends HTTP Basic client authentication with RFC 6749 encoding", () => {
    const request = tokenRequest({ kind: "client_credentials", tokenUrl: "https://x/t", clientId: "id", clientSecret: "s:e%t", clientAuth: "basic" });
    expect(request.body).toBe("grant_type=client_credentials");
    expect(request.headers.Authorization).toBe(basicAuthorization("id", "s%3Ae%25t"));
  });

  it("lists the secrets of each kind", () => {
    expect(secretsOf({ kind: "basic", username: "u", password: "p" })).toEqual(["p"]);
    expect(secretsOf({ kind: "password", tokenUrl: "", clientId: "i", clientSecret: "s", username: "u", password: "p" })).toEqual(["s", "p"]);
  });
});

describe("carrier error shapes", () => {
  it.each([
    ["FedEx", { transactionId: "t", errors: [{ code: "NOT.AUTHORIZED.ERROR", message: "Access token expired." }] }, { message: "Access token expired.", code: "NOT.AUTHORIZED.ERROR" }],
    ["OAuth", { error: "invalid_client", error_description: "Invalid client credentials" }, { message: "Invalid client credentials", code: "invalid_client" }],
    ["OAuth without a description", { error: "invalid_grant" }, { message: "invalid_grant", code: "invalid_grant" }],
    ["problem JSON", { title: "Unauthorized", status: 401, detail: "Unauthorized for given resource." }, { message: "Unauthorized for given resource.", code: null }],
    ["DHL Parcel DE status block", { status: { title: "Unauthorized", statusCode: 401, detail: "Invalid credentials" } }, { message: "Invalid credentials", code: null }],
    ["nothing usable", { foo: 1 }, { message: null, code: null }],
  ])("reads the %s shape", (_shape, body, expected) => {
    expect(parseCarrierError(body)).toEqual(expected);
  });

  it("classifies token answers", () => {
    expect(tokenFailureFromResponse("fedex", 503, "<html>Bad gateway</html>", [])).toMatchObject({ carrierMessage: "HTTP 503", retryable: true, credentialsRejected: false });
    expect(tokenFailureFromResponse("fedex", 429, "", [])).toMatchObject({ retryable: true, credentialsRejected: false });
    expect(tokenFailureFromResponse("fedex", 400, JSON.stringify({ error: "invalid_request" }), [])).toMatchObject({ retryable: false, credentialsRejected: false });
    expect(tokenFailureFromResponse("fedex", 400, JSON.stringify({ error: "invalid_grant" }), [])).toMatchObject({ retryable: false, credentialsRejected: true });
    expect(tokenFailureFromResponse("fedex", 401, "", [])).toMatchObject({ credentialsRejected: true, message: "fedex token request failed (HTTP 401): HTTP 401" });
  });

  it("scrubs secrets and token-shaped strings from the carrier's message", () => {
    const body = JSON.stringify({ error_description: "bad secret hunter22 for Bearer abcdefghijklmnop", error: "invalid_client" });
    expect(tokenFailureFromResponse("fedex", 401, body, ["hunter22"]).carrierMessage).toBe("bad secret [redacted] for [redacted]");
  });
});
