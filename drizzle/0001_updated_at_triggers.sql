-- Custom migration (drizzle-kit generate --custom): drizzle's schema cannot express
-- triggers. updated_at must change on every UPDATE, including raw SQL and
-- INSERT … ON CONFLICT … DO UPDATE, so the database keeps it, not the application.
-- clock_timestamp(), not now(): a row updated in the transaction that created it still moves.
CREATE FUNCTION "set_updated_at"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."updated_at" := clock_timestamp();
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER "users_set_updated_at" BEFORE UPDATE ON "users" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();--> statement-breakpoint
CREATE TRIGGER "user_sessions_set_updated_at" BEFORE UPDATE ON "user_sessions" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();--> statement-breakpoint
CREATE TRIGGER "routers_set_updated_at" BEFORE UPDATE ON "routers" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();--> statement-breakpoint
CREATE TRIGGER "user_routers_set_updated_at" BEFORE UPDATE ON "user_routers" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();--> statement-breakpoint
CREATE TRIGGER "user_devices_set_updated_at" BEFORE UPDATE ON "user_devices" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();--> statement-breakpoint
CREATE TRIGGER "user_whitelists_set_updated_at" BEFORE UPDATE ON "user_whitelists" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();--> statement-breakpoint
CREATE TRIGGER "user_blacklists_set_updated_at" BEFORE UPDATE ON "user_blacklists" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();--> statement-breakpoint
CREATE TRIGGER "user_blocked_devices_set_updated_at" BEFORE UPDATE ON "user_blocked_devices" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();--> statement-breakpoint
CREATE TRIGGER "router_settings_set_updated_at" BEFORE UPDATE ON "router_settings" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();--> statement-breakpoint
CREATE TRIGGER "audit_events_set_updated_at" BEFORE UPDATE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
