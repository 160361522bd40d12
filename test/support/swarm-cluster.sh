#!/usr/bin/env bash
# A three-node Docker Swarm on this one machine, for the Swarm backend's tests:
# the main engine (/var/run/docker.sock) is the manager, advertised on a host
# bridge made here (br-devswarm, 10.232.0.1/24), and two workers, devswarm1
# and devswarm2, are dockerds each in its own network namespace (veth into
# that bridge, its own data root, exec root, pid file, socket and --bip), as
# test/support/second-engine.sh runs one. Idempotent. Worker data roots are
# kept between runs, so images are loaded into them once per machine.
#
#   swarm-cluster.sh up                 bridge, manager, workers joined and labelled
#   swarm-cluster.sh down               workers leave and stop, netns/bridge removed, and the
#                                       manager leaves the swarm ONLY if this script initialised it
#   swarm-cluster.sh status             manager state and nodes
#   swarm-cluster.sh load IMAGE...      copy images from the manager to each worker (skipped when there)
#   swarm-cluster.sh acquire ID         up, and hold a lease named ID (a test process's pid)
#   swarm-cluster.sh release ID         drop lease ID; down when no live lease is left and
#                                       `acquire` brought the cluster up (tests running beside
#                                       each other share one cluster)
#   swarm-cluster.sh stop-worker NAME   stop that worker's dockerd without leaving the swarm (its node
#                                       goes down and the swarm reschedules its tasks); idempotent
#   swarm-cluster.sh start-worker NAME  start it again and wait until its node is ready; idempotent
#   swarm-cluster.sh nodes              "NAME=unix:///run/NAME.sock" per worker, comma-separated
#                                       (DEVENV_SWARM_NODES, how devenv reaches each node's engine)
#
# Node labels: devenv.test.node=w1 on devswarm1, w2 on devswarm2, manager on the manager (when
# this script initialised the swarm): tests place tasks with `node.labels.devenv.test.node==w1`.
# This kernel has no IPVS: the routing mesh and VIP load balancing do not work here; stacks use
# endpoint_mode dnsrr and host-mode published ports. Overlay (VXLAN) traffic across nodes works.
# Needs root.
set -euo pipefail
cmd="${1:?up|down|status|load|acquire|release|stop-worker|start-worker|nodes}"
shift || true

bridge=br-devswarm
manager_ip=10.232.0.1
state_dir=/var/lib/devenv-swarm-cluster
initialised="$state_dir/initialised-by-script" # present: `down` may make the manager leave
leases="$state_dir/leases"
brought_up="$state_dir/brought-up-by-lease"
workers=(devswarm1 devswarm2)
mkdir -p "$state_dir" "$leases"

exec 9>"$state_dir/lock"
flock 9

worker_index() { echo "${1#devswarm}"; }
sock() { echo "/run/$1.sock"; }
wd() { DOCKER_HOST="unix://$(sock "$1")" docker "${@:2}"; }
pidfile() { echo "/run/$1.pid"; }
dockerd_pid() { local f; f=$(pidfile "$1"); [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
manager_state() { docker info --format '{{.Swarm.LocalNodeState}}'; }
is_manager() { [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ]; }

bridge_up() {
  ip link show "$bridge" >/dev/null 2>&1 || ip link add "$bridge" type bridge
  # Not `ip ... | grep -q`: with pipefail, `ip` failing on the pipe grep closed early (its parent,
  # node, ignores SIGPIPE, so it gets EPIPE) made the test fail as if the address were missing.
  grep -q "inet $manager_ip/" <<<"$(ip addr show dev "$bridge")" || ip addr add "$manager_ip/24" dev "$bridge"
  ip link set "$bridge" up
  # Docker's FORWARD policy is DROP and bridged frames pass iptables (br_netfilter): let the
  # nodes' gossip (7946) and VXLAN (4789) through between workers.
  iptables -C DOCKER-USER -i "$bridge" -o "$bridge" -j ACCEPT 2>/dev/null ||
    iptables -I DOCKER-USER -i "$bridge" -o "$bridge" -j ACCEPT
}

manager_up() {
  case "$(manager_state)" in
    inactive)
      docker swarm init --advertise-addr "$manager_ip" --listen-addr "$manager_ip:2377" \
        --default-addr-pool 10.240.0.0/16 --default-addr-pool-mask-length 24 >/dev/null
      touch "$initialised"
      docker node update --label-add devenv.test.node=manager "$(docker info --format '{{.Swarm.NodeID}}')" >/dev/null
      ;;
    active)
      is_manager || { echo "this engine is a swarm worker, not a manager: leave that swarm first" >&2; exit 1; }
      [ -f "$initialised" ] || echo "using the swarm this engine was already in (it will not be left by down)" >&2
      ;;
    *) echo "the main engine's swarm state is $(manager_state); fix it first" >&2; exit 1 ;;
  esac
}

worker_up() {
  local name=$1 i ns_if host_if netns
  i=$(worker_index "$name")
  netns="/var/run/netns/$name"
  host_if="v${name}h"; ns_if="v${name}n"
  [ -e "$netns" ] || ip netns add "$name"
  if ! ip link show "$host_if" >/dev/null 2>&1; then
    ip link add "$host_if" type veth peer name "$ns_if"
    ip link set "$ns_if" netns "$name"
    nsenter --net="$netns" ip addr add "10.232.0.$((i + 1))/24" dev "$ns_if"
  fi
  ip link set "$host_if" master "$bridge"
  ip link set "$host_if" up
  nsenter --net="$netns" ip link set "$ns_if" up
  nsenter --net="$netns" ip link set lo up
  if ! dockerd_pid "$name" >/dev/null; then
    mkdir -p "/var/lib/$name" "/run/$name"
    # Its own UTS namespace and hostname, so nodes are told apart by name (all would be this
    # machine's otherwise). DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: a task runs the node's image
    # without trying a registry first (there is none here).
    setsid nohup env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1 unshare --uts sh -c 'hostname "$0"; exec "$@"' "$name" \
      nsenter --net="$netns" dockerd --data-root "/var/lib/$name" --exec-root "/run/$name" \
      --pidfile "$(pidfile "$name")" -H "unix://$(sock "$name")" --bip "10.233.$i.1/24" \
      --default-address-pool "base=10.234.$((i * 16)).0/20,size=24" \
      >"/var/log/$name.log" 2>&1 </dev/null 9>&- &
  fi
  for _ in $(seq 1 150); do
    wd "$name" version --format '{{.Server.Version}}' >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "worker $name did not answer within 30 s; see /var/log/$name.log" >&2
  tail -20 "/var/log/$name.log" >&2 || true
  exit 1
}

worker_join() {
  local name=$1 i node state
  i=$(worker_index "$name")
  state=$(wd "$name" info --format '{{.Swarm.LocalNodeState}}')
  node=$(wd "$name" info --format '{{.Swarm.NodeID}}')
  # Joined to this cluster: its node is known to the manager. Else (a stale swarm from an
  # earlier cluster kept in its data root) it leaves and joins again.
  if [ "$state" = active ] && docker node inspect "$node" >/dev/null 2>&1; then
    :
  else
    [ "$state" = inactive ] || wd "$name" swarm leave --force >/dev/null 2>&1 || true
    wd "$name" swarm join --token "$(docker swarm join-token -q worker)" \
      --advertise-addr "10.232.0.$((i + 1))" --listen-addr "10.232.0.$((i + 1)):2377" "$manager_ip:2377" >/dev/null
    node=$(wd "$name" info --format '{{.Swarm.NodeID}}')
  fi
  docker node update --label-add "devenv.test.node=w$i" "$node" >/dev/null
  for _ in $(seq 1 100); do
    [ "$(docker node inspect --format '{{.Status.State}}' "$node")" = ready ] && return 0
    sleep 0.2
  done
  echo "worker $name joined but its node is not ready within 20 s" >&2
  exit 1
}

up() {
  bridge_up
  manager_up
  for name in "${workers[@]}"; do worker_up "$name"; done
  for name in "${workers[@]}"; do worker_join "$name"; done
}

worker_down() {
  local name=$1 pid node
  if dockerd_pid "$name" >/dev/null; then
    node=$(wd "$name" info --format '{{.Swarm.NodeID}}' 2>/dev/null || true)
    wd "$name" swarm leave --force >/dev/null 2>&1 || true
    [ -z "$node" ] || docker node rm --force "$node" >/dev/null 2>&1 || true
    pid=$(dockerd_pid "$name")
    kill -TERM "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  ip netns del "$name" 2>/dev/null || true
  ip link del "v${name}h" 2>/dev/null || true
}

# A worker's dockerd stopped as a crash would leave it, as far as the swarm sees: no `swarm
# leave`, the node stays in the manager's list (down), its netns and veth stay for start-worker.
worker_stop() {
  local name=$1 pid
  pid=$(dockerd_pid "$name") || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

known_worker() {
  local w
  for w in "${workers[@]}"; do [ "$w" = "$1" ] && return 0; done
  echo "unknown worker $1 (one of ${workers[*]})" >&2
  exit 2
}

down() {
  for name in "${workers[@]}"; do worker_down "$name"; done
  # Nodes of workers gone without leaving (a killed dockerd): removed from the manager's list.
  if [ "$(manager_state)" = active ] && is_manager; then
    for node in $(docker node ls --filter node.label=devenv.test.node --format '{{.ID}} {{.Self}}' | awk '$2=="false"{print $1}'); do
      docker node rm --force "$node" >/dev/null 2>&1 || true
    done
  fi
  if [ -f "$initialised" ]; then
    [ "$(manager_state)" = inactive ] || docker swarm leave --force >/dev/null
    # swarm init made it; nothing else uses it once the engine left the swarm.
    docker network rm docker_gwbridge >/dev/null 2>&1 || true
    rm -f "$initialised"
  fi
  iptables -D DOCKER-USER -i "$bridge" -o "$bridge" -j ACCEPT 2>/dev/null || true
  ip link del "$bridge" 2>/dev/null || true
  rm -f "$brought_up"
}

status() {
  echo "manager: $(manager_state)$([ -f "$initialised" ] && echo ' (initialised by this script)')"
  for name in "${workers[@]}"; do
    if dockerd_pid "$name" >/dev/null; then
      echo "$name: dockerd $(dockerd_pid "$name"), swarm $(wd "$name" info --format '{{.Swarm.LocalNodeState}}')"
    else
      echo "$name: not running"
    fi
  done
  [ "$(manager_state)" != active ] || docker node ls
  echo "leases: $(ls "$leases" | tr '\n' ' ')"
}

load() {
  local image want
  for image in "$@"; do
    want=$(docker image inspect --format '{{.Id}}' "$image")
    for name in "${workers[@]}"; do
      [ "$(wd "$name" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)" = "$want" ] && continue
      docker save "$image" | wd "$name" load >/dev/null &
    done
    wait
  done
}

live_leases() {
  local lease
  for lease in "$leases"/*; do
    [ -e "$lease" ] || continue
    if kill -0 "$(basename "$lease")" 2>/dev/null; then echo "$lease"; else rm -f "$lease"; fi
  done
}

case "$cmd" in
  up) up ;;
  down) down ;;
  status) status ;;
  load) load "$@" ;;
  stop-worker) known_worker "${1:?worker name}"; worker_stop "$1" ;;
  start-worker) known_worker "${1:?worker name}"; bridge_up; worker_up "$1"; worker_join "$1" ;;
  nodes) (IFS=,; n=(); for w in "${workers[@]}"; do n+=("$w=unix://$(sock "$w")"); done; echo "${n[*]}") ;;
  acquire)
    id="${1:?lease id (a live pid)}"
    running=true
    [ "$(manager_state)" = active ] && for w in "${workers[@]}"; do dockerd_pid "$w" >/dev/null || running=false; done || running=false
    if [ -z "$(live_leases)" ] && [ "$running" = false ]; then touch "$brought_up"; fi
    up
    touch "$leases/$id"
    ;;
  release)
    id="${1:?lease id}"
    rm -f "$leases/$id"
    if [ -z "$(live_leases)" ] && [ -f "$brought_up" ]; then down; fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
