#!/usr/bin/env bash
# The README's main command: bring up templates/example (app + Postgres 15 + Redis 7), attached.
# Uses the local stand-in images unless DEVENV_OFFICIAL_IMAGES=1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run -s build
if [ "${DEVENV_OFFICIAL_IMAGES:-}" != 1 ]; then
  bash test/support/prepare-engine.sh
  export POSTGRES_IMAGE=devenv-test/postgres:15 REDIS_IMAGE=devenv-test/redis:7 NODE_IMAGE=devenv-test/node:20
fi
cd templates/example
exec "$root/bin/devenv" up "$@"
