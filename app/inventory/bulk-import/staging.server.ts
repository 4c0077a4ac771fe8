// Staging: the file's rows go into a temporary table of the import's transaction, a
// batch per INSERT (unnest of arrays), so the checks and the update run set-based in
// SQL. ON COMMIT DROP: the table lives exactly as long as the transaction.
import type { PgClient } from "../../db/pg-transaction.server";
import { STAGE_BATCH_ROWS } from "./import-limits";
import type { StagedRow } from "./import-types";

export const STAGE_TABLE = "inventory_import_rows";

const CREATE_STAGE = `CREATE TEMP TABLE ${STAGE_TABLE} (
  line int NOT NULL,
  sku text NOT NULL,
  available int,
  title text,
  problem text,
  sku_valid boolean NOT NULL
) ON COMMIT DROP`;

const INSERT_BATCH = `INSERT INTO ${STAGE_TABLE} (line, sku, available, title, problem, sku_valid)
  SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::text[], $5::text[], $6::bool[])`;

/** Collects rows and writes them a batch at a time; one batch is written while the next is read. */
export class RowStager {
  private lines: number[] = [];
  private skus: string[] = [];
  private available: (number | null)[] = [];
  private titles: (string | null)[] = [];
  private problems: (string | null)[] = [];
  private skuValid: boolean[] = [];
  private writing: Promise<unknown> = Promise.resolve();
  staged = 0;

  private constructor(
    private readonly client: PgClient,
    private readonly batchRows: number,
  ) {}

  static async open(client: PgClient, batchRows = STAGE_BATCH_ROWS): Promise<RowStager> {
    await client.query(CREATE_STAGE);
    return new RowStager(client, batchRows);
  }

  async add(row: StagedRow): Promise<void> {
    this.lines.push(row.line);
    this.skus.push(row.sku);
    this.available.push(row.available);
    this.titles.push(row.title);
    this.problems.push(row.problem);
    this.skuValid.push(row.skuValid);
    this.staged += 1;
    if (this.lines.length >= this.batchRows) await this.flush();
  }

  /** Writes what is left and waits for every batch; then the table holds the whole file. */
  async finish(): Promise<number> {
    await this.flush();
    await this.writing;
    // Temporary tables get no statistics on their own; the checks' join plans need them.
    if (this.staged > 1_000) await this.client.query(`ANALYZE ${STAGE_TABLE}`);
    return this.staged;
  }

  private async flush(): Promise<void> {
    await this.writing; // at most one batch in flight: memory stays at two batches
    if (this.lines.length === 0) return;
    const values = [this.lines, this.skus, this.available, this.titles, this.problems, this.skuValid];
    this.lines = [];
    this.skus = [];
    this.available = [];
    this.titles = [];
    this.problems = [];
    this.skuValid = [];
    const write = this.client.query(INSERT_BATCH, values);
    // Awaited on the next flush or in finish(); until then a failure must not count as unhandled.
    write.catch(() => undefined);
    this.writing = write;
  }
}
