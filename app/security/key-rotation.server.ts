// Re-encrypts every encrypted column under the current key, in batches. Rows
// already on the current key are skipped by the query itself, so an interrupted
// run is resumed by running again. Each row is written only if it still holds
// the value that was read, so a concurrent write by the app is never overwritten.
import { Prisma } from "@prisma/client";
import type { Logger } from "pino";
import { forShop, type Database } from "../db/prisma.server";
import { recordAudit } from "./audit.server";
import { ENCRYPTED_COLUMNS, rowBinding, type EncryptedColumn } from "./encrypted-columns";
import { DecryptionError, type Cipher } from "./encryption";
import { withSystemContext } from "./tenancy";

export interface ColumnReport {
  table: string;
  column: string;
  rotated: number;
  failed: number;
}

export interface RotationReport {
  keyId: string;
  columns: ColumnReport[];
  rotated: number;
  failed: number;
  /** False when maxBatches stopped the run early: run again to continue. */
  complete: boolean;
}

export interface RotationOptions {
  db: Database;
  cipher: Cipher;
  logger: Logger;
  batchSize?: number;
  maxBatches?: number;
  columns?: readonly EncryptedColumn[];
}

const ident = (name: string) => Prisma.raw(`"${name.replace(/"/g, '""')}"`);

interface Row {
  id: string;
  value: string;
  shop: string;
}

export function rotateKeys(options: RotationOptions): Promise<RotationReport> {
  return withSystemContext("key-rotation", () => rotate(options));
}

async function rotate(options: RotationOptions): Promise<RotationReport> {
  const { db, cipher, logger } = options;
  const batchSize = options.batchSize ?? 500;
  let batchesLeft = options.maxBatches ?? Number.POSITIVE_INFINITY;
  const currentPrefix = `enc:v1:${cipher.currentKeyId}:%`;
  const perShop = new Map<string, { kind: "domain" | "id"; counts: Record<string, number> }>();
  const columns: ColumnReport[] = [];

  for (const target of options.columns ?? ENCRYPTED_COLUMNS) {
    const report: ColumnReport = { table: target.table, column: target.column, rotated: 0, failed: 0 };
    columns.push(report);
    let cursor = "";
    while (batchesLeft > 0) {
      const rows = await db.$queryRaw<Row[]>`
        SELECT ${ident("id")}::text AS id, ${ident(target.column)} AS value, ${ident(target.shop.column)}::text AS shop
          FROM ${ident(target.table)}
         WHERE ${ident(target.column)} IS NOT NULL
           AND ${ident(target.column)} NOT LIKE ${currentPrefix}
           AND ${ident("id")}::text > ${cursor}
         ORDER BY ${ident("id")}::text
         LIMIT ${batchSize}`;
      if (rows.length === 0) break;
      batchesLeft -= 1;
      cursor = rows[rows.length - 1].id;

      for (const row of rows) {
        const binding = rowBinding(target.table, row.id, target.column);
        let resealed: string;
        try {
          resealed = cipher.encrypt(cipher.decrypt(row.value, binding), binding);
        } catch (error) {
          if (!(error instanceof DecryptionError)) throw error;
          report.failed += 1;
          logger.error({ table: target.table, column: target.column, id: row.id, reason: error.reason }, "value does not decrypt; left as is");
          continue;
        }
        const written = await db.$executeRaw`
          UPDATE ${ident(target.table)} SET ${ident(target.column)} = ${resealed}
           WHERE ${ident("id")}::text = ${row.id} AND ${ident(target.column)} = ${row.value}`;
        if (written === 1) {
          report.rotated += 1;
          const shop = perShop.get(row.shop) ?? { kind: target.shop.kind, counts: {} };
          const key = `${target.table}.${target.column}`;
          shop.counts[key] = (shop.counts[key] ?? 0) + 1;
          perShop.set(row.shop, shop);
        }
      }
    }
  }

  for (const [shopRef, { kind, counts }] of perShop) {
    const shop = await db.shop.findUnique({ where: kind === "domain" ? { domain: shopRef } : { id: shopRef } });
    if (shop) {
      await recordAudit(forShop(shop.id, db), {
        actor: { type: "SYSTEM", id: "keys:rotate" },
        action: "KEYS_ROTATED",
        after: { keyId: cipher.currentKeyId, rotated: counts },
      });
    }
  }

  const complete = batchesLeft > 0;
  const rotated = columns.reduce((sum, c) => sum + c.rotated, 0);
  const failed = columns.reduce((sum, c) => sum + c.failed, 0);
  return { keyId: cipher.currentKeyId, columns, rotated, failed, complete };
}
