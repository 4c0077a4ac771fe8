// DHL eCommerce Americas v4: hosts, credentials and products.
import { z } from "zod";
import type { CarrierEnvironment } from "../connector";

export const DHL_HOSTS: Record<CarrierEnvironment, string> = {
  SANDBOX: "https://api-sandbox.dhlecs.com",
  PRODUCTION: "https://api.dhlecs.com",
};

export const dhlCredentialsSchema = z.object({
  clientId: z.string().trim().min(8, "Enter the client ID DHL eCommerce issued for the API"),
  clientSecret: z.string().trim().min(8, "Enter the client secret DHL eCommerce issued for the API"),
  distributionCenter: z
    .string()
    .trim()
    .regex(/^[A-Z]{5}\d$/, "A DHL distribution center looks like USATL1"),
});
export type DhlCredentials = z.infer<typeof dhlCredentialsSchema>;

export const dhlPickupSchema = z.string().trim().regex(/^\d{4,10}$/, "A DHL pickup account number has 4 to 10 digits");

/** DHL does not publish a per-second limit for eCommerce Americas; stay well below FedEx's. */
export const DHL_RATE_LIMIT = { points: 200, durationSeconds: 10 };
