#!/usr/bin/env bash
# Fails when the Drizzle schema and the committed migrations disagree:
# drizzle-kit must have nothing new to generate, and its own consistency check must pass.
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(git status --porcelain --untracked-files=all drizzle/ 2>/dev/null || true)
npx drizzle-kit check
npx drizzle-kit generate --name schema_drift_check >/dev/null
after=$(git status --porcelain --untracked-files=all drizzle/ 2>/dev/null || true)
if [ "$before" != "$after" ]; then
  echo "db:check: the schema in src/db/schema differs from the migrations in drizzle/." >&2
  echo "Run 'npm run db:generate -- --name <what_changed>', review the SQL and commit it." >&2
  git status --porcelain --untracked-files=all drizzle/ >&2
  exit 1
fi
echo "db:check: schema and migrations agree."
