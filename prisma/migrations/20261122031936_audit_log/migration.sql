-- CreateTable
CREATE TABLE "AuditLog" (
    "id" UUID NOT NULL,
    "shopId" UUID NOT NULL,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "subjectType" TEXT,
    "subjectId" TEXT,
    "before" JSONB,
    "after" JSONB,
    "requestId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditLog_shopId_createdAt_id_idx" ON "AuditLog"("shopId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "AuditLog_shopId_action_createdAt_id_idx" ON "AuditLog"("shopId", "action", "createdAt" DESC, "id" DESC);

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: what Prisma cannot express.
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_actorType_check"
  CHECK ("actorType" IN ('USER', 'SYSTEM', 'WORKER'));

-- The audit trail is append-only. UPDATE is always refused; DELETE only inside the
-- GDPR shop purge, which sets `rappit.audit_purge = on` for its own transaction.
CREATE FUNCTION "rappit_audit_log_append_only"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('rappit.audit_purge', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'AuditLog is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditLog_append_only"
  BEFORE UPDATE OR DELETE ON "AuditLog"
  FOR EACH ROW EXECUTE FUNCTION "rappit_audit_log_append_only"();
