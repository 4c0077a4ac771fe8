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
  is_nullable: "YES" | "NO";
}

describe("schema and migrations agree", () => {
  it("every model's table and scalar column exists with the declared nullability", async () => {
    const columns = await getPrisma().$queryRaw<Column[]>`
      SELECT table_name::text, column_name::text, is_nullable::text FROM information_schema.columns WHERE table_schema = 'public'`;
    const found = new Map(columns.map((c) => [`${c.table_name}.${c.column_name}`, c.is_nullable]));

    const expected = Prisma.dmmf.datamodel.models.flatMap((model) =>
      model.fields
        .filter((field) => field.kind === "scalar" || field.kind === "enum")
        .map((field) => ({
          column: `${model.dbName ?? model.name}.${field.dbName ?? field.name}`,
          nullable: field.isRequired ? "NO" : "YES",
        })),
    );
    expect(expected.length).toBeGreaterThan(0);
    const problems = expected
      .filter(({ column, nullable }) => found.get(column) !== nullable)
      .map(({ column, nullable }) =>
        found.has(column) ? `${column}: nullable should be ${nullable}` : `${column}: missing`,
      );
    expect(problems).toEqual([]);
  });
});
