CREATE TYPE "public"."invitation_status" AS ENUM('pending', 'accepted', 'declined', 'revoked', 'expired');--> statement-breakpoint
CREATE TABLE "router_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"router_id" uuid NOT NULL,
	"invited_by" uuid NOT NULL,
	"email" text NOT NULL,
	"status" "invitation_status" DEFAULT 'pending' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"responded_at" timestamp with time zone,
	CONSTRAINT "router_invitations_email_ck" CHECK (char_length("router_invitations"."email") between 3 and 254),
	CONSTRAINT "router_invitations_responded_ck" CHECK (("router_invitations"."status" = 'pending') = ("router_invitations"."responded_at" is null)),
	CONSTRAINT "router_invitations_expiry_ck" CHECK ("router_invitations"."expires_at" > "router_invitations"."created_at")
);
--> statement-breakpoint
ALTER TABLE "router_invitations" ADD CONSTRAINT "router_invitations_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "router_invitations" ADD CONSTRAINT "router_invitations_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "router_invitations_pending_uq" ON "router_invitations" USING btree ("router_id","email") WHERE "router_invitations"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "router_invitations_pending_email_idx" ON "router_invitations" USING btree ("email") WHERE "router_invitations"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "router_invitations_router_id_idx" ON "router_invitations" USING btree ("router_id");--> statement-breakpoint
CREATE INDEX "router_invitations_invited_by_idx" ON "router_invitations" USING btree ("invited_by");--> statement-breakpoint
-- Added by hand: drizzle's schema cannot express triggers (see 0001); every table keeps updated_at current.
CREATE TRIGGER "router_invitations_set_updated_at" BEFORE UPDATE ON "router_invitations" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
