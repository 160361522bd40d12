#!/usr/bin/env bash
# Prepares a Docker engine for devenv's integration tests and builds local
# stand-ins for the official Postgres 15 / Redis 7 / Node 20 images under
# devenv's own names (devenv-test/*), so they can never be mistaken for the
# official images in a user's engine. The Caddy 2 stand-in (devenv-test/caddy:2)
# is devenv's preview proxy (Debian's caddy package, the host's binary).
#
#   - If an engine answers (DOCKER_HOST or /var/run/docker.sock): use it.
#   - Else, as root on Debian: apt-get install docker.io and start dockerd.
#   - Images that already exist are reused (re-runs take about a second).
#
# Usage: bash test/support/prepare-engine.sh        (idempotent)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DOCKER="${DEVENV_DOCKER_CLI:-/usr/bin/docker}"
[ -x "$DOCKER" ] || DOCKER="$(command -v docker || true)"
BASE_IMAGE="devenv-test/debian-base:bookworm"
log() { printf '[prepare-engine] %s\n' "$*" >&2; }

engine_answers() { [ -n "$DOCKER" ] && "$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1; }

install_engine() {
  if [ "$(id -u)" != 0 ]; then log "no Docker engine answers and this is not root: start one (sudo systemctl start docker) and re-run"; exit 1; fi
  if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
    log "installing docker.io and debootstrap from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
  fi
  DOCKER=/usr/bin/docker
}

start_engine() {
  if engine_answers; then return; fi
  install_engine
  if engine_answers; then return; fi
  if pgrep -x dockerd >/dev/null; then
    log "dockerd is running but does not answer yet; waiting"
  else
    log "starting dockerd (log: /var/log/devenv-dockerd.log)"
    setsid nohup dockerd >/var/log/devenv-dockerd.log 2>&1 < /dev/null &
  fi
  for _ in $(seq 1 150); do engine_answers && return; sleep 0.2; done
  log "dockerd did not answer within 30 s; see /var/log/devenv-dockerd.log"; tail -20 /var/log/devenv-dockerd.log >&2 || true; exit 1
}

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

debian_mirror() {
  local m=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
    m=$(awk '$1=="deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

build_base() {
  image_exists "$BASE_IMAGE" && return
  command -v debootstrap >/dev/null || install_engine
  local rootfs; rootfs="$(mktemp -d /var/tmp/devenv-rootfs.XXXXXX)"
  local mirror; mirror="$(debian_mirror)"
  log "debootstrap bookworm from $mirror (about a minute)"
  debootstrap --variant=minbase --include=postgresql-15,redis-server,libstdc++6,ca-certificates,netbase \
    bookworm "$rootfs" "$mirror" >/var/log/devenv-debootstrap.log 2>&1 \
    || { log "debootstrap failed; see /var/log/devenv-debootstrap.log"; tail -20 /var/log/devenv-debootstrap.log >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # Debian's package starts a cluster in /var/lib/postgresql/15/main; the stand-in uses PGDATA like the official image.
  rm -rf "$rootfs"/var/lib/postgresql/15 "$rootfs"/etc/postgresql/15
  tar -C "$rootfs" -c . | "$DOCKER" import -c 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  log "imported $BASE_IMAGE"
}

build_image() { # name dir [dockerfile]
  local name="$1" dir="$2" dockerfile="${3:-Dockerfile}"
  image_exists "$name" && return
  log "building $name"
  DOCKER_BUILDKIT=0 "$DOCKER" build -q --build-arg BASE_IMAGE="$BASE_IMAGE" -f "$dir/$dockerfile" -t "$name" "$dir" >/dev/null
}

build_node() {
  local name="devenv-test/node:20"
  image_exists "$name" && return
  local ctx; ctx="$(mktemp -d)"
  cp "$here/images/node/Dockerfile" "$ctx/"
  cp "$(readlink -f "$(command -v node)")" "$ctx/node"
  build_image "$name" "$ctx"
  rm -rf "$ctx"
}

build_caddy() {
  local name="devenv-test/caddy:2"
  image_exists "$name" && return
  if ! command -v caddy >/dev/null; then
    if [ "$(id -u)" != 0 ]; then log "caddy is not installed and this is not root: apt-get install caddy, then re-run"; exit 1; fi
    log "installing caddy from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null
  fi
  local ctx; ctx="$(mktemp -d)"
  cp "$here/images/caddy/Dockerfile" "$ctx/"
  cp "$(readlink -f "$(command -v caddy)")" "$ctx/caddy"
  build_image "$name" "$ctx"
  rm -rf "$ctx"
}

start_engine
build_base
build_image devenv-test/postgres:15 "$here/images/postgres"
build_image devenv-test/postgres:15-novolume "$here/images/postgres" Dockerfile.novolume
build_image devenv-test/redis:7 "$here/images/redis"
build_node
build_caddy
log "engine ready: $("$DOCKER" version --format 'server {{.Server.Version}}, API {{.Server.APIVersion}}')"
