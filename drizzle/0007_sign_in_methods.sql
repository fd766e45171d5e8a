CREATE TYPE "public"."session_auth_method" AS ENUM('password', 'oidc');--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "display_name" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "picture_url" text;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD COLUMN "auth_method" "session_auth_method" DEFAULT 'password' NOT NULL;--> statement-breakpoint
ALTER TABLE "user_sessions" ADD COLUMN "two_factor" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_display_name_length_ck" CHECK (char_length("users"."display_name") <= 100);--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_picture_url_length_ck" CHECK (char_length("users"."picture_url") <= 2048);