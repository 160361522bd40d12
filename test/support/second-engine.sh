#!/usr/bin/env bash
# A second, real Docker engine for tests that must stop and start an engine
# or reach a remote one, without touching the one every other test
# shares: dockerd in its own network namespace (a dockerd beside the first
# would delete its docker0 bridge), with its own data root, exec root and
# socket. Its data root is kept between runs, so images are loaded once.
#
#   second-engine.sh start NAME      netns + veth + dockerd; prints the socket path
#   second-engine.sh start NAME tcp  the same, dockerd also listening on tcp://ADDRESS:2375, its
#                                    veth address inside the namespace: a non-local engine as seen
#                                    from this machine (plain TCP, no TLS: a test network only)
#   second-engine.sh address NAME    prints ADDRESS (10.230.N.2), where this machine reaches the namespace
#   second-engine.sh stop NAME       SIGTERM dockerd and wait (it stops its containers first, as on a reboot)
#   second-engine.sh load NAME IMAGE copy an image from the main engine unless it is there already
#   second-engine.sh remove NAME     stop dockerd and delete the namespace (the data root stays)
#
# Needs root. Run devenv "on" that machine with:
#   nsenter --net=/var/run/netns/NAME env DOCKER_HOST=unix:///run/NAME.sock devenv ...
# or, started with tcp, from this machine as from a developer's laptop:
#   DOCKER_HOST=tcp://ADDRESS:2375 devenv ...
set -euo pipefail
cmd="${1:?start|stop|load|remove|address}"; name="${2:?name}"
netns="/var/run/netns/$name"
sock="/run/$name.sock"
pidfile="/run/$name.pid"
# One /30 per name, from a hash, so two engines never share addresses.
n=$(( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 250 + 2 ))
host_if="v${name:0:8}h"; ns_if="v${name:0:8}n"
address="10.230.$n.2"
tcp_host="tcp://$address:2375"

answers() { DOCKER_HOST="${1:-unix://$sock}" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

dockerd_pid() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && cat "$pidfile"; }

start() {
  local listen=(-H "unix://$sock")
  case "${1:-}" in
    '') ;;
    tcp) listen+=(-H "$tcp_host" --tls=false) ;;
    *) echo "start NAME [tcp], not $1" >&2; exit 2 ;;
  esac
  [ -e "$netns" ] || ip netns add "$name"
  if ! ip link show "$host_if" >/dev/null 2>&1; then
    ip link add "$host_if" type veth peer name "$ns_if"
    ip link set "$ns_if" netns "$name"
    ip addr add "10.230.$n.1/30" dev "$host_if"
    nsenter --net="$netns" ip addr add "$address/30" dev "$ns_if"
  fi
  ip link set "$host_if" up
  nsenter --net="$netns" ip link set "$ns_if" up
  nsenter --net="$netns" ip link set lo up
  if ! dockerd_pid >/dev/null; then
    mkdir -p "/var/lib/$name" "/run/$name"
    setsid nohup nsenter --net="$netns" dockerd --data-root "/var/lib/$name" --exec-root "/run/$name" \
      --pidfile "$pidfile" "${listen[@]}" --bip "10.231.$n.1/24" \
      >"/var/log/$name.log" 2>&1 </dev/null &
  fi
  for _ in $(seq 1 150); do
    # With tcp, ready means answering there too, from outside the namespace.
    answers && { [ -z "${1:-}" ] || answers "$tcp_host"; } && { echo "$sock"; return; }
    sleep 0.2
  done
  echo "second engine $name did not answer within 30 s${1:+ (on $tcp_host too: one already running without tcp? remove it first)}; see /var/log/$name.log" >&2
  tail -20 "/var/log/$name.log" >&2 || true
  exit 1
}

stop() {
  local pid
  pid=$(dockerd_pid) || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  echo "dockerd $name did not stop within 30 s" >&2; exit 1
}

load() {
  local image="${3:?image}" want have
  want=$(docker image inspect --format '{{.Id}}' "$image")
  have=$(DOCKER_HOST="unix://$sock" docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
  [ "$want" = "$have" ] || docker save "$image" | DOCKER_HOST="unix://$sock" docker load >/dev/null
}

case "$cmd" in
  start) start "${3:-}" ;;
  address) echo "$address" ;;
  stop) stop ;;
  load) load "$@" ;;
  remove) stop; ip netns del "$name" 2>/dev/null || true ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
