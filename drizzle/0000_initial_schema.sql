CREATE TYPE "public"."cs_session_state" AS ENUM('none', 'active', 'ending', 'ended');--> statement-breakpoint
CREATE TYPE "public"."router_role" AS ENUM('owner', 'member');--> statement-breakpoint
CREATE TYPE "public"."active_mode" AS ENUM('none', 'whitelist', 'blacklist');--> statement-breakpoint
CREATE TYPE "public"."audit_outcome" AS ENUM('pending', 'succeeded', 'failed', 'unknown');--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"email" text NOT NULL,
	"password_hash" text NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"password_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_length_ck" CHECK (char_length("users"."email") between 3 and 254)
);
--> statement-breakpoint
CREATE TABLE "user_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"absolute_expires_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text,
	"user_agent" text,
	"ip" "inet",
	"cs_state" "cs_session_state" DEFAULT 'none' NOT NULL,
	"cs_router_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"cs_started_at" timestamp with time zone,
	"cs_ended_at" timestamp with time zone,
	"cs_end_attempts" integer DEFAULT 0 NOT NULL,
	"cs_next_attempt_at" timestamp with time zone,
	"cs_last_error" text
);
--> statement-breakpoint
CREATE TABLE "routers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"router_id" text NOT NULL,
	"name" text NOT NULL,
	"last_scan_at" timestamp with time zone,
	CONSTRAINT "routers_router_id_format_ck" CHECK ("routers"."router_id" ~ '^[A-Za-z0-9_.-]{1,128}$'),
	CONSTRAINT "routers_name_length_ck" CHECK (char_length("routers"."name") between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "user_routers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" uuid NOT NULL,
	"router_id" uuid NOT NULL,
	"role" "router_role" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"router_id" uuid NOT NULL,
	"mac" "macaddr" NOT NULL,
	"ip" "inet",
	"hostname" text,
	"vendor" text,
	"name" text,
	"first_seen" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "user_devices_name_length_ck" CHECK ("user_devices"."name" is null or char_length("user_devices"."name") <= 100)
);
--> statement-breakpoint
CREATE TABLE "user_blacklists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"router_id" uuid NOT NULL,
	"ip" "inet" NOT NULL,
	"device_id" uuid,
	"name" text,
	"description" text,
	"added_by" uuid,
	CONSTRAINT "user_blacklists_ipv4_ck" CHECK (family("user_blacklists"."ip") = 4 and masklen("user_blacklists"."ip") = 32),
	CONSTRAINT "user_blacklists_name_length_ck" CHECK ("user_blacklists"."name" is null or char_length("user_blacklists"."name") <= 100),
	CONSTRAINT "user_blacklists_description_length_ck" CHECK ("user_blacklists"."description" is null or char_length("user_blacklists"."description") <= 500)
);
--> statement-breakpoint
CREATE TABLE "user_whitelists" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"router_id" uuid NOT NULL,
	"ip" "inet" NOT NULL,
	"device_id" uuid,
	"name" text,
	"description" text,
	"added_by" uuid,
	CONSTRAINT "user_whitelists_ipv4_ck" CHECK (family("user_whitelists"."ip") = 4 and masklen("user_whitelists"."ip") = 32),
	CONSTRAINT "user_whitelists_name_length_ck" CHECK ("user_whitelists"."name" is null or char_length("user_whitelists"."name") <= 100),
	CONSTRAINT "user_whitelists_description_length_ck" CHECK ("user_whitelists"."description" is null or char_length("user_whitelists"."description") <= 500)
);
--> statement-breakpoint
CREATE TABLE "user_blocked_devices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"router_id" uuid NOT NULL,
	"ip" "inet" NOT NULL,
	"mac" "macaddr",
	"blocked_by" uuid,
	CONSTRAINT "user_blocked_devices_ipv4_ck" CHECK (family("user_blocked_devices"."ip") = 4 and masklen("user_blocked_devices"."ip") = 32)
);
--> statement-breakpoint
CREATE TABLE "router_settings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"router_id" uuid NOT NULL,
	"active_mode" "active_mode" DEFAULT 'none' NOT NULL,
	"whitelist_limited_mbps" double precision DEFAULT 50 NOT NULL,
	"whitelist_full_mbps" double precision DEFAULT 1000 NOT NULL,
	"blacklist_limited_mbps" double precision DEFAULT 50 NOT NULL,
	"blacklist_full_mbps" double precision DEFAULT 1000 NOT NULL,
	CONSTRAINT "router_settings_rates_ck" CHECK ("router_settings"."whitelist_limited_mbps" between 1 and 1000 and "router_settings"."whitelist_full_mbps" between 1 and 1000 and "router_settings"."blacklist_limited_mbps" between 1 and 1000 and "router_settings"."blacklist_full_mbps" between 1 and 1000)
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"user_id" uuid,
	"session_id" uuid,
	"router_id" uuid,
	"router_external_id" text,
	"operation" text NOT NULL,
	"params" jsonb,
	"outcome" "audit_outcome" NOT NULL,
	"error_code" text,
	"duration_ms" integer,
	"request_id" text,
	"ip" "inet",
	CONSTRAINT "audit_events_duration_ck" CHECK ("audit_events"."duration_ms" is null or "audit_events"."duration_ms" >= 0)
);
--> statement-breakpoint
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_routers" ADD CONSTRAINT "user_routers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_routers" ADD CONSTRAINT "user_routers_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_devices" ADD CONSTRAINT "user_devices_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_blacklists" ADD CONSTRAINT "user_blacklists_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_blacklists" ADD CONSTRAINT "user_blacklists_device_id_user_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."user_devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_blacklists" ADD CONSTRAINT "user_blacklists_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_whitelists" ADD CONSTRAINT "user_whitelists_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_whitelists" ADD CONSTRAINT "user_whitelists_device_id_user_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."user_devices"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_whitelists" ADD CONSTRAINT "user_whitelists_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_blocked_devices" ADD CONSTRAINT "user_blocked_devices_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_blocked_devices" ADD CONSTRAINT "user_blocked_devices_blocked_by_users_id_fk" FOREIGN KEY ("blocked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "router_settings" ADD CONSTRAINT "router_settings_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_session_id_user_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."user_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_lower_uq" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "user_sessions_token_hash_uq" ON "user_sessions" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "user_sessions_user_id_idx" ON "user_sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "user_sessions_cs_sweep_idx" ON "user_sessions" USING btree ("cs_next_attempt_at") WHERE "user_sessions"."cs_state" in ('active', 'ending');--> statement-breakpoint
CREATE INDEX "user_sessions_expires_at_idx" ON "user_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "routers_router_id_uq" ON "routers" USING btree ("router_id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_routers_user_router_uq" ON "user_routers" USING btree ("user_id","router_id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_routers_one_owner_uq" ON "user_routers" USING btree ("router_id") WHERE "user_routers"."role" = 'owner';--> statement-breakpoint
CREATE INDEX "user_routers_router_id_idx" ON "user_routers" USING btree ("router_id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_devices_router_mac_uq" ON "user_devices" USING btree ("router_id","mac");--> statement-breakpoint
CREATE INDEX "user_devices_router_ip_idx" ON "user_devices" USING btree ("router_id","ip");--> statement-breakpoint
CREATE UNIQUE INDEX "user_blacklists_router_ip_uq" ON "user_blacklists" USING btree ("router_id","ip");--> statement-breakpoint
CREATE INDEX "user_blacklists_device_id_idx" ON "user_blacklists" USING btree ("device_id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_whitelists_router_ip_uq" ON "user_whitelists" USING btree ("router_id","ip");--> statement-breakpoint
CREATE INDEX "user_whitelists_device_id_idx" ON "user_whitelists" USING btree ("device_id");--> statement-breakpoint
CREATE UNIQUE INDEX "user_blocked_devices_router_ip_uq" ON "user_blocked_devices" USING btree ("router_id","ip");--> statement-breakpoint
CREATE INDEX "user_blocked_devices_router_mac_idx" ON "user_blocked_devices" USING btree ("router_id","mac");--> statement-breakpoint
CREATE UNIQUE INDEX "router_settings_router_id_uq" ON "router_settings" USING btree ("router_id");--> statement-breakpoint
CREATE INDEX "audit_events_router_created_idx" ON "audit_events" USING btree ("router_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_events_user_created_idx" ON "audit_events" USING btree ("user_id","created_at" DESC NULLS LAST);