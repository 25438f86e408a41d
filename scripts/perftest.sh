#!/usr/bin/env bash
# Runs RabbitMQ PerfTest (latest 2.x from Maven Central) against `brokersim serve` on a free loopback port:
# 10 s of one publisher + one auto-ack consumer, then 10 s with publisher confirms (1000 in flight) and
# prefetch 1000. Fails if PerfTest fails or reports an error. Not part of `mvn verify`; see docs/wire.md.
#
#   scripts/perftest.sh                      # profile lavinmq
#   PROFILE=rabbitmq-4 DURATION=30 scripts/perftest.sh
#   PERFTEST_VERSION=2.22.1 PERFTEST_ARGS="-s 4000" scripts/perftest.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$root/target/perftest"
profile="${PROFILE:-lavinmq}"
duration="${DURATION:-10}"
# A Maven version range: Maven resolves it to the newest 2.x in the repository's metadata.
version="${PERFTEST_VERSION:-[2.0,3.0)}"
# Extra PerfTest arguments for both runs. RabbitMQ 4.3 refuses transient non-exclusive queues (541, semantics
# §2.4) and PerfTest's default queue is one, so under rabbitmq-4 the queue is made durable, as it must be
# against a real RabbitMQ 4.3.
if [ -n "${PERFTEST_ARGS+x}" ]; then
  read -r -a extra <<<"$PERFTEST_ARGS"
elif [ "$profile" = "rabbitmq-4" ]; then
  extra=(-f persistent)
else
  extra=()
fi

mkdir -p "$work/lib"

# 1. Fetch PerfTest and its runtime dependencies (the jar on Maven Central is not self-contained), through
#    Maven's own resolver, from a throwaway pom that depends on it.
cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.brokersim</groupId>
  <artifactId>perftest-fetch</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>com.rabbitmq</groupId>
      <artifactId>perf-test</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
</project>
EOF
rm -f "$work"/lib/*.jar
echo "perftest.sh: fetching com.rabbitmq:perf-test:$version ..." >&2
mvn -B -q -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$work/lib" >&2
perftest_jar="$(ls "$work"/lib/perf-test-*.jar | head -n 1)"
echo "perftest.sh: using $(basename "$perftest_jar")" >&2

# 2. Start the simulator on a free port and read the port from its one stdout line.
out="$work/serve.out"
err="$work/serve.err"
: >"$out"
"$root/brokersim" serve --port 0 --profile "$profile" >"$out" 2>"$err" &
server_pid=$!
cleanup() {
  if kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

port=""
for _ in $(seq 1 1200); do
  line="$(grep -m 1 '^brokersim listening on amqp://' "$out" || true)"
  if [ -n "$line" ]; then
    port="$(sed -E 's#^brokersim listening on amqp://[^:]+:([0-9]+) .*#\1#' <<<"$line")"
    break
  fi
  kill -0 "$server_pid" 2>/dev/null || { echo "perftest.sh: brokersim serve exited:" >&2; cat "$err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "perftest.sh: brokersim serve did not announce a port in 120 s" >&2; cat "$err" >&2; exit 1; }
uri="amqp://guest:guest@127.0.0.1:$port"
echo "perftest.sh: $line" >&2

# 3. The two runs; each must exit 0 and print no error.
failed=0
run() {
  local name="$1"; shift
  local log="$work/$name.log"
  echo "== $name: perf-test -x 1 -y 1 $* ${extra[*]:-} -z $duration" | tee "$log"
  if ! java -cp "$work/lib/*" com.rabbitmq.perf.PerfTest --uri "$uri" -x 1 -y 1 "$@" ${extra[@]+"${extra[@]}"} \
      -z "$duration" \
      >>"$log" 2>&1; then
    echo "perftest.sh: $name: PerfTest exited with an error" >&2
    failed=1
  fi
  if grep -Eiq 'exception|error|connection.close|shutdown signal' "$log"; then
    echo "perftest.sh: $name: errors in the output:" >&2
    grep -Ei 'exception|error|connection.close|shutdown signal' "$log" | head -n 20 >&2
    failed=1
  fi
  grep -E '^id: test-|sending rate avg|receiving rate avg|consumer latency' "$log" | tail -n 5
}

run autoack -a
run confirms -c 1000 -q 1000

if ! kill -0 "$server_pid" 2>/dev/null; then
  echo "perftest.sh: brokersim serve died during the runs:" >&2
  tail -n 50 "$err" >&2
  failed=1
fi
if grep -Eq ' (ERROR|WARN) ' "$err"; then
  echo "perftest.sh: server log warnings/errors (first 20):" >&2
  grep -E ' (ERROR|WARN) ' "$err" | head -n 20 >&2
fi
exit "$failed"
