CREATE TABLE "router_rate_limits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"router_id" uuid NOT NULL,
	"scan_requested_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "router_rate_limits" ADD CONSTRAINT "router_rate_limits_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "router_rate_limits_router_id_uq" ON "router_rate_limits" USING btree ("router_id");--> statement-breakpoint
-- Added by hand at review: drizzle's schema cannot express triggers (see 0001); every table keeps updated_at current.
CREATE TRIGGER "router_rate_limits_set_updated_at" BEFORE UPDATE ON "router_rate_limits" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
