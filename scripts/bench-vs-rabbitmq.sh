#!/usr/bin/env bash
# brokersim and RabbitMQ side by side on this machine, measured by the same harness (brokersim bench) in
# one run. For a developer machine or a dedicated benchmark box, never CI: it installs rabbitmq-server with
# apt (Debian/Ubuntu), configures it to listen on loopback only, starts and stops it.
#
#   scripts/bench-vs-rabbitmq.sh [--quick] [--out DIR] [--keep-rabbitmq]
#
# Writes to DIR (default target/bench-vs-rabbitmq):
#   brokersim.json          every benchmark; wire benchmarks against a server inside the bench JVM
#   brokersim-serve.json    wire benchmarks against `brokersim serve`, a separate process like RabbitMQ
#   rabbitmq.json           wire benchmarks against rabbitmq-server; its start timed the same way
#   *-vs-rabbitmq.txt       the tables with RabbitMQ as baseline: ratio = brokersim / RabbitMQ
# Each wire benchmark gets a freshly started server. docs/benchmarks.md explains every number.
#
# Needs root (or sudo) for apt-get and for running rabbitmq-server, Java 17, Maven, and the ports
# 5672 (RabbitMQ) and 5673 (brokersim serve) free on 127.0.0.1.
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }

OUT=target/bench-vs-rabbitmq
QUICK=()
KEEP_RABBITMQ=false
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=(--quick) ;;
    --out) OUT=$2; shift ;;
    --keep-rabbitmq) KEEP_RABBITMQ=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench-vs-rabbitmq: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=$ROOT/cli/target/brokersim.jar
RABBIT_URI=amqp://guest:guest@127.0.0.1:5672
SIM_PORT=5673
SIM_URI=amqp://guest:guest@127.0.0.1:$SIM_PORT
SUDO=()
if [ "$(id -u)" != 0 ]; then SUDO=(sudo); fi

log() { echo "bench-vs-rabbitmq: $*" >&2; }

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- brokersim jar
# The launcher rebuilds the jar when it is missing or older than any source.
"$ROOT/brokersim" --version > /dev/null

# ---------------------------------------------------------------- RabbitMQ, loopback only
# The AMQP listener, epmd and the Erlang distribution port all bind 127.0.0.1; the node is rabbit@localhost.
# Written before the package is installed, so even a service started by the package is never reachable from
# outside this machine.
configure_rabbitmq() {
  "${SUDO[@]}" mkdir -p /etc/rabbitmq
  if ! grep -qs '^listeners.tcp.default = 127.0.0.1:5672' /etc/rabbitmq/rabbitmq.conf; then
    log "writing /etc/rabbitmq/rabbitmq.conf (AMQP on 127.0.0.1:5672 only)"
    printf '%s\n' '# brokersim bench (scripts/bench-vs-rabbitmq.sh): AMQP on loopback only.' \
      'listeners.tcp.default = 127.0.0.1:5672' | "${SUDO[@]}" tee -a /etc/rabbitmq/rabbitmq.conf > /dev/null
  fi
  if ! grep -qs '^NODE_IP_ADDRESS=127.0.0.1' /etc/rabbitmq/rabbitmq-env.conf; then
    log "adding loopback settings to /etc/rabbitmq/rabbitmq-env.conf"
    printf '%s\n' '' \
      '# brokersim bench (scripts/bench-vs-rabbitmq.sh): loopback only: node name, AMQP listener, epmd and the' \
      '# Erlang distribution port.' \
      'NODENAME=rabbit@localhost' \
      'NODE_IP_ADDRESS=127.0.0.1' \
      'ERL_EPMD_ADDRESS=127.0.0.1' \
      'SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"' \
      | "${SUDO[@]}" tee -a /etc/rabbitmq/rabbitmq-env.conf > /dev/null
  fi
}

stop_rabbitmq() {
  if port_answers 5672; then
    log "stopping the RabbitMQ node on 127.0.0.1:5672"
    "${SUDO[@]}" rabbitmqctl stop > /dev/null 2>&1 || "${SUDO[@]}" service rabbitmq-server stop > /dev/null 2>&1 || true
    for _ in $(seq 1 100); do port_answers 5672 || break; sleep 0.2; done
  fi
}

configure_rabbitmq
if ! command -v rabbitmq-server > /dev/null && [ ! -x /usr/sbin/rabbitmq-server ]; then
  log "installing rabbitmq-server"
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Options::=--force-confold \
    rabbitmq-server
fi
# The package's service, if it started one, is stopped: every benchmark starts its own node.
stop_rabbitmq
if port_answers 5672 || port_answers $SIM_PORT; then
  log "something still listens on 127.0.0.1:5672 or :$SIM_PORT; stop it and run again"
  exit 1
fi
# The first start of a fresh node creates its database; start and stop it once so no measured start does.
log "first start of the RabbitMQ node (creates its database; not measured)"
mkdir -p "$OUT"
"${SUDO[@]}" rabbitmq-server > "$OUT/rabbitmq-first-start.log" 2>&1 &
for _ in $(seq 1 600); do port_answers 5672 && break; sleep 0.2; done
stop_rabbitmq

cleanup() {
  stop_rabbitmq
  if [ "$KEEP_RABBITMQ" = false ]; then
    # epmd outlives the node it was started for.
    "${SUDO[@]}" epmd -kill > /dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- the runs
bench() { java -jar "$JAR" bench "${QUICK[@]}" "$@"; }

log "brokersim, everything, wire server in the bench JVM -> $OUT/brokersim.json"
bench --json > "$OUT/brokersim.json" || true
log "brokersim serve as its own process, wire benchmarks -> $OUT/brokersim-serve.json"
bench --json --only wire --uri "$SIM_URI" \
  --serve-command "java -jar $JAR serve --port $SIM_PORT --profile rabbitmq-3" > "$OUT/brokersim-serve.json" || true
log "RabbitMQ, wire benchmarks -> $OUT/rabbitmq.json"
bench --json --only wire --uri "$RABBIT_URI" --serve-command "${SUDO[*]} rabbitmq-server" \
  > "$OUT/rabbitmq.json" || true

java -jar "$JAR" bench --from "$OUT/brokersim.json" --baseline "$OUT/rabbitmq.json" \
  | tee "$OUT/brokersim-vs-rabbitmq.txt"
echo
java -jar "$JAR" bench --from "$OUT/brokersim-serve.json" --baseline "$OUT/rabbitmq.json" \
  | tee "$OUT/brokersim-serve-vs-rabbitmq.txt"
