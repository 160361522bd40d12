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
#   second-engine.sh start NAME tls  dockerd listening on tcp://ADDRESS:2376 with --tlsverify: a CA, a
#                                    server certificate (SAN IP:ADDRESS) and a client certificate made
#                                    with openssl under /var/lib/NAME-tls (kept; remade when expiring)
#   second-engine.sh start NAME ssh  dockerd on its socket only, and Debian's OpenSSH server on
#                                    ADDRESS:22 in the namespace (keys under /var/lib/NAME-ssh), whose
#                                    sessions get DOCKER_HOST=unix:///run/NAME.sock, so the docker CLI's
#                                    `docker system dial-stdio` there reaches this engine, not the main one
#   second-engine.sh certs NAME      prints the client certificate directory (ca.pem, cert.pem, key.pem)
#   second-engine.sh other-ca NAME   makes (once) and prints a client directory of ANOTHER CA: wrong trust
#   second-engine.sh ssh-dir NAME    prints the ssh directory: client_ed25519(.pub), known_hosts (its
#                                    Ed25519 host key), known_hosts_ecdsa (its ECDSA host key only)
#   second-engine.sh address NAME    prints ADDRESS (10.230.N.2), where this machine reaches the namespace
#   second-engine.sh stop NAME       SIGTERM dockerd and wait (it stops its containers first, as on a reboot)
#   second-engine.sh load NAME IMAGE copy an image from the main engine unless it is there already
#   second-engine.sh remove NAME     stop dockerd and delete the namespace (the data root stays)
#
# Overrides for start (all optional): SECOND_ENGINE_DATA_ROOT (default /var/lib/NAME: e.g. a small
# loop-mounted filesystem), SECOND_ENGINE_BIP (default 10.231.N.1/24), SECOND_ENGINE_ARGS (more dockerd
# arguments, split on spaces: e.g. --default-address-pool base=10.243.0.0/24,size=28).
#
# Needs root. Run devenv "on" that machine with:
#   nsenter --net=/var/run/netns/NAME env DOCKER_HOST=unix:///run/NAME.sock devenv ...
# or, started with tcp, from this machine as from a developer's laptop:
#   DOCKER_HOST=tcp://ADDRESS:2375 devenv ...
# or with tls: DOCKER_HOST=tcp://ADDRESS:2376 DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=$(... certs NAME) devenv ...
# or with ssh: DOCKER_HOST=ssh://root@ADDRESS devenv ... (its key and known_hosts in ~/.ssh)
set -euo pipefail
cmd="${1:?start|stop|load|remove|address|certs|other-ca|ssh-dir}"; name="${2:?name}"
netns="/var/run/netns/$name"
sock="/run/$name.sock"
pidfile="/run/$name.pid"
# One /30 per name, from a hash, so two engines never share addresses.
n=$(( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 250 + 2 ))
host_if="v${name:0:8}h"; ns_if="v${name:0:8}n"
address="10.230.$n.2"
tcp_host="tcp://$address:2375"
tls_host="tcp://$address:2376"
tls_dir="/var/lib/$name-tls"
ssh_dir="/var/lib/$name-ssh"
sshd_pidfile="/run/$name-sshd.pid"

answers() { DOCKER_HOST="${1:-unix://$sock}" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
answers_tls() {
  DOCKER_HOST="$tls_host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$tls_dir/client" \
    docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}
answers_ssh() {
  ssh -F none -i "$ssh_dir/client_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=2 \
    -o UserKnownHostsFile="$ssh_dir/known_hosts" -o StrictHostKeyChecking=yes \
    "root@$address" docker version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# A CA in DIR (ca.pem, ca-key.pem), P-256 keys: quick to make.
make_ca() {
  openssl ecparam -genkey -name prime256v1 -noout -out "$1/ca-key.pem" 2>/dev/null
  openssl req -x509 -new -key "$1/ca-key.pem" -sha256 -days 365 -subj "/CN=devenv test CA $name $2" \
    -out "$1/ca.pem" 2>/dev/null
}

# A certificate signed by the CA in CA_DIR: sign CA_DIR KEY CERT CN EXTENSIONS
sign() {
  openssl ecparam -genkey -name prime256v1 -noout -out "$2" 2>/dev/null
  openssl req -new -key "$2" -subj "/CN=$4" -out "$3.csr" 2>/dev/null
  openssl x509 -req -in "$3.csr" -CA "$1/ca.pem" -CAkey "$1/ca-key.pem" -CAcreateserial -days 365 \
    -sha256 -extfile <(printf '%b' "$5") -out "$3" 2>/dev/null
  rm -f "$3.csr"
}

# The server's and the client's certificates, kept between runs unless expiring within a day.
tls_certs() {
  if [ -f "$tls_dir/server-cert.pem" ] && [ -f "$tls_dir/client/cert.pem" ] &&
    openssl x509 -checkend 86400 -noout -in "$tls_dir/server-cert.pem" >/dev/null 2>&1 &&
    openssl x509 -noout -ext subjectAltName -in "$tls_dir/server-cert.pem" 2>/dev/null | grep -q "IP Address:$address\$"; then
    return
  fi
  rm -rf "$tls_dir"; mkdir -p "$tls_dir/client"; chmod 700 "$tls_dir"
  make_ca "$tls_dir" engine
  sign "$tls_dir" "$tls_dir/server-key.pem" "$tls_dir/server-cert.pem" "$address" \
    "subjectAltName=IP:$address\nextendedKeyUsage=serverAuth\n"
  sign "$tls_dir" "$tls_dir/client/key.pem" "$tls_dir/client/cert.pem" devenv-test-client \
    "extendedKeyUsage=clientAuth\n"
  cp "$tls_dir/ca.pem" "$tls_dir/client/ca.pem"
}

# A client directory whose CA did not sign the engine's certificate (nor its own cert the engine's CA).
other_ca() {
  local dir="$tls_dir/other"
  if [ ! -f "$dir/cert.pem" ]; then
    mkdir -p "$dir/ca"
    make_ca "$dir/ca" other
    sign "$dir/ca" "$dir/key.pem" "$dir/cert.pem" devenv-test-other "extendedKeyUsage=clientAuth\n"
    cp "$dir/ca/ca.pem" "$dir/ca.pem"
  fi
  echo "$dir"
}

sshd_pid() { [ -f "$sshd_pidfile" ] && kill -0 "$(cat "$sshd_pidfile")" 2>/dev/null && cat "$sshd_pidfile"; }

# Host key, a client key pair authorized for root, a known_hosts line, and sshd's configuration.
ssh_files() {
  mkdir -p "$ssh_dir"; chmod 700 "$ssh_dir"
  [ -f "$ssh_dir/host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "$name-host" -f "$ssh_dir/host_ed25519_key"
  [ -f "$ssh_dir/host_ecdsa_key" ] || ssh-keygen -q -t ecdsa -N '' -C "$name-host" -f "$ssh_dir/host_ecdsa_key"
  [ -f "$ssh_dir/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C devenv-test-client -f "$ssh_dir/client_ed25519"
  cp "$ssh_dir/client_ed25519.pub" "$ssh_dir/authorized_keys"
  printf '%s %s\n' "$address" "$(cut -d' ' -f1,2 "$ssh_dir/host_ed25519_key.pub")" >"$ssh_dir/known_hosts"
  # The same host known by its ECDSA key only (a client must then ask for that one).
  printf '%s %s\n' "$address" "$(cut -d' ' -f1,2 "$ssh_dir/host_ecdsa_key.pub")" >"$ssh_dir/known_hosts_ecdsa"
  cat >"$ssh_dir/sshd_config" <<CONFIG
ListenAddress $address:22
HostKey $ssh_dir/host_ed25519_key
HostKey $ssh_dir/host_ecdsa_key
PidFile $sshd_pidfile
AuthorizedKeysFile $ssh_dir/authorized_keys
AllowUsers root
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
X11Forwarding no
SetEnv DOCKER_HOST=unix://$sock
CONFIG
}

start_sshd() {
  ssh_files
  mkdir -p /run/sshd
  sshd_pid >/dev/null || nsenter --net="$netns" /usr/sbin/sshd -f "$ssh_dir/sshd_config" -E "/var/log/$name-sshd.log"
}

dockerd_pid() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && cat "$pidfile"; }

start() {
  local listen=(-H "unix://$sock") mode="${1:-}"
  case "$mode" in
    '' | ssh) ;;
    tcp) listen+=(-H "$tcp_host" --tls=false) ;;
    tls)
      tls_certs
      listen+=(-H "$tls_host" --tlsverify --tlscacert "$tls_dir/ca.pem" --tlscert "$tls_dir/server-cert.pem"
        --tlskey "$tls_dir/server-key.pem")
      ;;
    *) echo "start NAME [tcp|tls|ssh], not $1" >&2; exit 2 ;;
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
    local data_root="${SECOND_ENGINE_DATA_ROOT:-/var/lib/$name}" extra=()
    read -r -a extra <<<"${SECOND_ENGINE_ARGS:-}"
    mkdir -p "$data_root" "/run/$name"
    setsid nohup nsenter --net="$netns" dockerd --data-root "$data_root" --exec-root "/run/$name" \
      --pidfile "$pidfile" "${listen[@]}" --bip "${SECOND_ENGINE_BIP:-10.231.$n.1/24}" "${extra[@]}" \
      >"/var/log/$name.log" 2>&1 </dev/null &
  fi
  [ "$mode" != ssh ] || start_sshd
  # With tcp, tls or ssh, ready means answering there too, from outside the namespace.
  local remote=true
  case "$mode" in
    tcp) remote="answers $tcp_host" ;;
    tls) remote=answers_tls ;;
    ssh) remote=answers_ssh ;;
  esac
  for _ in $(seq 1 150); do
    answers && $remote && { echo "$sock"; return; }
    sleep 0.2
  done
  local logs="/var/log/$name.log"
  [ "$mode" != ssh ] || logs+=" and /var/log/$name-sshd.log"
  echo "second engine $name did not answer within 30 s${mode:+ (over $mode too: one already running another way? remove it first)}; see $logs" >&2
  tail -20 "/var/log/$name.log" >&2 || true
  exit 1
}

stop() {
  local pid
  if pid=$(sshd_pid); then kill -TERM "$pid"; rm -f "$sshd_pidfile"; fi
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
  certs) tls_certs; echo "$tls_dir/client" ;;
  other-ca) tls_certs; other_ca ;;
  ssh-dir) ssh_files; echo "$ssh_dir" ;;
  stop) stop ;;
  load) load "$@" ;;
  remove) stop; ip netns del "$name" 2>/dev/null || true ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
