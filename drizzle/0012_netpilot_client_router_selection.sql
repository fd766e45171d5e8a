CREATE TABLE "user_router_selections" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"router_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "user_router_selections" ADD CONSTRAINT "user_router_selections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_router_selections" ADD CONSTRAINT "user_router_selections_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "user_router_selections_router_id_idx" ON "user_router_selections" USING btree ("router_id");--> statement-breakpoint
-- Added by hand: drizzle's schema cannot express triggers (see 0001); every table keeps updated_at current.
CREATE TRIGGER "user_router_selections_set_updated_at" BEFORE UPDATE ON "user_router_selections" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
