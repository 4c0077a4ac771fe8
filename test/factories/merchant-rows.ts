// Valid data for one row of each merchant model, without shopId (the scoped client
// stamps it). The tenancy test creates rows from these for every merchant model:
// adding a model to the schema means adding its entry here.
import { randomUUID } from "node:crypto";

export const merchantRowData: Record<string, () => Record<string, unknown>> = {
  AuditLog: () => ({ actorType: "SYSTEM", action: "KEYS_ROTATED", subjectType: "Test", subjectId: randomUUID() }),
};
