/**
 * The SQL statements that `GET /api/v1/routers/{id}/devices` needs, byte for byte as
 * Drizzle sent them when the benchmark was written (captured with
 * `npx tsx bench/tools/endpoint-sql.ts`, which prints what the endpoint runs now):
 *
 * 1. the token lookup: `LoginSessionsRepository.findLiveByTokenHash`;
 * 2. the membership check: `RoutersRepository.findAccess`;
 * 3. the device list: `DevicesRepository.listWithState`.
 *
 * They are kept fixed here on purpose: the database ceiling is a yardstick that must
 * not move when the server's own queries are optimised.
 */

export const TOKEN_LOOKUP_SQL =
  'select "user_sessions"."id", "user_sessions"."token_hash", "user_sessions"."expires_at", "user_sessions"."absolute_expires_at", "user_sessions"."last_seen_at", "users"."id", "users"."email", "users"."password_changed_at" from "user_sessions" inner join "users" on "users"."id" = "user_sessions"."user_id" where ("user_sessions"."token_hash" = $1 and "user_sessions"."revoked_at" is null and "user_sessions"."expires_at" > $2 and "user_sessions"."absolute_expires_at" > $3 and "users"."is_active" = $4) limit $5';

export const MEMBERSHIP_SQL =
  'select "routers"."id", "routers"."router_id", "routers"."name", "user_routers"."role" from "routers" inner join "user_routers" on ("user_routers"."router_id" = "routers"."id" and "user_routers"."user_id" = $1) where "routers"."router_id" = $2 limit $3';

export const DEVICE_LIST_SQL = `select "user_devices"."id", "user_devices"."mac", "user_devices"."ip", "user_devices"."hostname", "user_devices"."vendor", "user_devices"."name", "user_devices"."first_seen", "user_devices"."last_seen", coalesce("user_devices"."last_seen" = "routers"."last_scan_at", false), exists (select 1 from "user_blocked_devices" b
          where b.router_id = "user_devices"."router_id"
            and (b.ip = "user_devices"."ip" or b.mac = "user_devices"."mac")), exists (select 1 from "user_whitelists" w
          where w.router_id = "user_devices"."router_id" and w.ip = "user_devices"."ip"), exists (select 1 from "user_blacklists" k
          where k.router_id = "user_devices"."router_id" and k.ip = "user_devices"."ip") from "user_devices" inner join "routers" on "routers"."id" = "user_devices"."router_id" where "user_devices"."router_id" = $1 order by "user_devices"."ip" asc nulls last, "user_devices"."mac"`;
