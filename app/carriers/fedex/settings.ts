// FedEx REST: hosts, credentials and services Rappit uses.
import { z } from "zod";
import type { CarrierEnvironment } from "../connector";

export const FEDEX_HOSTS: Record<CarrierEnvironment, string> = {
  SANDBOX: "https://apis-sandbox.fedex.com",
  PRODUCTION: "https://apis.fedex.com",
};

/** A FedEx Developer Portal project's API key and secret key, plus the shipping account. */
export const fedexCredentialsSchema = z.object({
  clientId: z.string().trim().min(8, "Enter the API key from your FedEx Developer Portal project"),
  clientSecret: z.string().trim().min(8, "Enter the secret key from your FedEx Developer Portal project"),
});
export type FedexCredentials = z.infer<typeof fedexCredentialsSchema>;

export const fedexAccountNumberSchema = z.string().trim().regex(/^\d{9}$/, "A FedEx account number has 9 digits");

/** FedEx allows 1,400 requests per 10 s per project. */
export const FEDEX_RATE_LIMIT = { points: 1400, durationSeconds: 10 };

export const FEDEX_SERVICE_NAMES: Record<string, string> = {
  FEDEX_GROUND: "FedEx Ground",
  GROUND_HOME_DELIVERY: "FedEx Home Delivery",
  FEDEX_2_DAY: "FedEx 2Day",
  STANDARD_OVERNIGHT: "FedEx Standard Overnight",
  PRIORITY_OVERNIGHT: "FedEx Priority Overnight",
  FEDEX_INTERNATIONAL_PRIORITY: "FedEx International Priority",
  INTERNATIONAL_PRIORITY: "FedEx International Priority",
  INTERNATIONAL_ECONOMY: "FedEx International Economy",
};
