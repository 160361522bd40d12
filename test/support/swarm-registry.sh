#!/usr/bin/env bash
# A container registry for the test swarm (swarm-cluster.sh), so `registry:` in devenv.yaml is
# tested for real: Debian's docker-registry (distribution) serving HTTPS on the manager's side of
# the cluster bridge (10.232.0.1:5000), where the manager and both workers reach it under one
# name. Its certificate is signed by a CA made here, which every engine trusts through
# /etc/docker/certs.d/10.232.0.1:5000/ca.crt (read on each connection: no dockerd restart, no
# --insecure-registry). Idempotent. Needs root and the cluster's bridge (swarm-cluster.sh up).
#
#   swarm-registry.sh up       CA, certificate, certs.d entry, registry started; prints its address
#   swarm-registry.sh down     registry stopped, its certs.d entry removed (its storage and CA are kept
#                              under /var/lib/devenv-swarm-cluster/registry, as the workers' data roots
#                              are: a later run pushes only new layers)
#   swarm-registry.sh purge    down, and its storage and CA removed
#   swarm-registry.sh address  10.232.0.1:5000
set -euo pipefail
cmd="${1:?up|down|purge|address}"

address=10.232.0.1:5000
dir=/var/lib/devenv-swarm-cluster/registry
pidfile=/run/devenv-swarm-registry.pid
certs="/etc/docker/certs.d/$address"
mkdir -p "$dir"

exec 9>"$dir.lock"
flock 9

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

up() {
  command -v docker-registry >/dev/null || {
    echo "docker-registry is not installed (apt-get install -y docker-registry)" >&2
    exit 1
  }
  [ -n "$(ip -4 -o addr show to "${address%:*}")" ] || {
    echo "no interface has ${address%:*}: bring the cluster up first (swarm-cluster.sh up)" >&2
    exit 1
  }
  if [ ! -f "$dir/registry.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=devenv test registry CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=${address%:*}" \
      -keyout "$dir/registry.key" -out "$dir/registry.csr" 2>/dev/null
    printf 'subjectAltName=IP:%s\n' "${address%:*}" >"$dir/san.ext"
    openssl x509 -req -in "$dir/registry.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
      -days 30 -extfile "$dir/san.ext" -out "$dir/registry.crt" 2>/dev/null
  fi
  mkdir -p "$certs"
  cp "$dir/ca.crt" "$certs/ca.crt"
  cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: $address
  tls:
    certificate: $dir/registry.crt
    key: $dir/registry.key
EOF
  if ! running; then
    setsid nohup docker-registry serve "$dir/config.yml" >/var/log/devenv-swarm-registry.log 2>&1 </dev/null 9>&- &
    echo $! >"$pidfile"
  fi
  for _ in $(seq 1 100); do
    curl -fsS --cacert "$dir/ca.crt" "https://$address/v2/" >/dev/null 2>&1 && { echo "$address"; return 0; }
    running || break
    sleep 0.1
  done
  echo "the registry did not answer at https://$address/v2/; see /var/log/devenv-swarm-registry.log" >&2
  tail -20 /var/log/devenv-swarm-registry.log >&2 || true
  exit 1
}

down() {
  if running; then
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  rm -rf "$certs"
  rmdir /etc/docker/certs.d 2>/dev/null || true
}

case "$cmd" in
  up) up ;;
  down) down ;;
  purge) down; rm -rf "$dir" ;;
  address) echo "$address" ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
