// `npm run db:migrate`: apply pending migrations (embedded database when DATABASE_URL is unset).
import "dotenv/config";
import { applyMigrations } from "./lib/apply-migrations";

await applyMigrations();
