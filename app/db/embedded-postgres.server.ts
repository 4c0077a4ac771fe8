// PostgreSQL for a machine without a database server: PGlite (PostgreSQL compiled
// to WebAssembly) with its data in a folder, served over the wire protocol on
// loopback so Prisma's pg adapter talks to it like any server.
// PGlite is one database session: callers must use a pool of ONE connection.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export class EmbeddedDatabaseBusyError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. ` +
        `Stop that process (only one local command can use the embedded database at a time) ` +
        `or set DATABASE_URL to a PostgreSQL server.`,
    );
    this.name = "EmbeddedDatabaseBusyError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// Two processes opening one PGlite folder would corrupt it, so a pid file guards it.
async function takeLock(lockFile: string, dataDir: string): Promise<void> {
  const holder = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
  if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new EmbeddedDatabaseBusyError(dataDir, holder);
  }
  await writeFile(lockFile, String(process.pid));
}

export async function startEmbeddedPostgres(baseDir: string): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(baseDir, "pglite");
  await mkdir(dataDir, { recursive: true });
  const lockFile = path.resolve(baseDir, "pglite.pid");
  await takeLock(lockFile, dataDir);

  const db = await PGlite.create(dataDir);
  // maxConnections above 1 only so a closing client and the next one can overlap briefly.
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;

  return {
    url,
    dataDir,
    async stop() {
      await server.stop();
      await db.close();
      await rm(lockFile, { force: true });
    },
  };
}
