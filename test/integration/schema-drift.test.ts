import { Prisma } from "@prisma/client";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectPrisma, getPrisma } from "~/db/prisma.server";

// The migrations, applied to this run's database by the global setup, must build
// every table and column prisma/schema.prisma declares. A schema edit without a
// migration (npm run db:new-migration) fails here.
afterAll(disconnectPrisma);

interface Column {
  table_name: string;
  column_name: string;
}

describe("schema and migrations agree", () => {
  it("every model's table and scalar column exists", async () => {
    const columns = await getPrisma().$queryRaw<Column[]>`
      SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public'`;
    const found = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));

    const expected = Prisma.dmmf.datamodel.models.flatMap((model) =>
      model.fields
        .filter((field) => field.kind === "scalar" || field.kind === "enum")
        .map((field) => `${model.dbName ?? model.name}.${field.dbName ?? field.name}`),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.filter((column) => !found.has(column))).toEqual([]);
  });
});
