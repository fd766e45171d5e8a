-- Custom migration (drizzle-kit generate --custom): drizzle's schema can express neither
-- storage parameters nor triggers. Both make the scan upsert (DevicesRepository.upsertScan)
-- cheaper when a scan sees devices it already knows, which is every scan after the first.
--
-- fillfactor 50: new pages of user_devices are filled to half, so the row versions a scan
-- writes (last_seen, updated_at; ip, hostname and vendor usually unchanged) fit on the same
-- page as the rows they replace. Such updates are HOT: no new entry in any of the three
-- indexes. A full page made every repeated scan write 3 index entries per device; with
-- half of each page free, the previous scan's versions are pruned when the page is next
-- touched, so every scan finds the room again. Existing pages keep their fill: rows move
-- to half-filled pages the first time they are updated.
ALTER TABLE "user_devices" SET (fillfactor = 50);--> statement-breakpoint
-- The updated_at trigger (0001) runs a PL/pgSQL call per row. Here it skips only rows whose
-- UPDATE already moved updated_at forward to a time within the updating statement itself
-- (at or after statement_timestamp(), no later than now by the clock), as the scan upsert
-- does with `updated_at = clock_timestamp()`. Any other UPDATE, including one that leaves
-- updated_at alone or sets it to another value (earlier, later, null), still gets
-- clock_timestamp() from the trigger: updated_at moves forward on every update as before.
CREATE OR REPLACE TRIGGER "user_devices_set_updated_at" BEFORE UPDATE ON "user_devices" FOR EACH ROW
  WHEN ((NEW."updated_at" > OLD."updated_at"
     AND NEW."updated_at" >= statement_timestamp()
     AND NEW."updated_at" <= clock_timestamp()) IS NOT TRUE)
  EXECUTE FUNCTION "set_updated_at"();
