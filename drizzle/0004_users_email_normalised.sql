-- Emails are now stored in one normalised form (src/validation/email.ts:
-- trim, NFKC, lower case) and compared by equality. Here, ASCII capitals are
-- lowered and white space trimmed (both locale-independent, unlike lower() of
-- other letters); the few emails with other characters are then normalised by
-- the migration runner in JavaScript (normalizeStoredEmails in src/db/migrate.ts).
UPDATE "users" SET "email" = btrim(translate("email", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')) WHERE "email" ~ '[A-Z]' OR "email" <> btrim("email");--> statement-breakpoint
DROP INDEX "users_email_lower_uq";--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_uq" ON "users" USING btree ("email");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_email_normalised_ck" CHECK ("users"."email" !~ '[A-Z]' and "users"."email" = btrim("users"."email"));