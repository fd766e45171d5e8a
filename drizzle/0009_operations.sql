CREATE TABLE "operations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"router_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"state" text DEFAULT 'running' NOT NULL,
	"started_by" uuid,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"result" jsonb,
	"error" jsonb,
	CONSTRAINT "operations_state_ck" CHECK ("operations"."state" in ('running', 'succeeded', 'failed')),
	CONSTRAINT "operations_finished_ck" CHECK (("operations"."state" = 'running') = ("operations"."finished_at" is null))
);
--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_router_id_routers_id_fk" FOREIGN KEY ("router_id") REFERENCES "public"."routers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" ADD CONSTRAINT "operations_started_by_users_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "operations_one_running_uq" ON "operations" USING btree ("router_id","kind") WHERE "operations"."state" = 'running';--> statement-breakpoint
CREATE INDEX "operations_router_started_idx" ON "operations" USING btree ("router_id","started_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "operations_finished_idx" ON "operations" USING btree ("finished_at");--> statement-breakpoint
-- Added by hand: drizzle's schema cannot express triggers (see 0001); every table keeps updated_at current.
CREATE TRIGGER "operations_set_updated_at" BEFORE UPDATE ON "operations" FOR EACH ROW EXECUTE FUNCTION "set_updated_at"();
