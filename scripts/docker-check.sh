#!/usr/bin/env bash
# Builds the Dockerfile, runs the image, runs the protocol contract against the container, then
# stops it with SIGTERM and checks it exits within 5 s. Uses docker, or podman where docker is not
# running (this project's machines have no Docker engine: ../shared/container/ has podman set up
# for them, and stand-ins for the two base images, built once per machine from Debian packages).
# With neither, it says so and exits 0: the image is then simply not checked.
set -euo pipefail
cd "$(dirname "$0")/.."

image=websocket-chat
shared=../shared/container
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
  engine=(docker)
  build=(docker build)
  publish=(-p)
elif [ -x "$shared/podman" ]; then
  [ "$(id -u)" -eq 0 ] && bash "$shared/standin-images.sh"
  engine=("$shared/podman")
  # The build reaches Maven Central from inside the container; mounting the host's CA store lets
  # that work behind a TLS-inspecting proxy too. --format docker keeps the HEALTHCHECK.
  build=("$shared/podman" build --format docker -v /etc/ssl/certs:/etc/ssl/certs:ro)
  publish=()   # host networking: the container's port is the machine's
elif command -v podman >/dev/null 2>&1; then
  engine=(podman)
  build=(podman build --format docker)
  publish=(-p)
else
  echo "SKIPPED: neither docker nor podman is available, so the Docker image was not built or checked."
  exit 0
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18000)
started=$(date +%s)
"${build[@]}" -t "$image" .
echo "image built in $(( $(date +%s) - started )) s"

# ChatProtocolContract.TEST_SETTINGS, as environment variables
settings=(-e CHAT_RATE_LIMIT=0 -e CHAT_ADDRESS_BYTES=0 -e CHAT_ADDRESS_HANDSHAKES=0 -e CHAT_ADDRESS_ROOMS=0
  -e CHAT_ALLOWED_ORIGINS=https://allowed.example.org -e CHAT_PING_SECONDS=1 -e CHAT_IDLE_SECONDS=10)
if [ ${#publish[@]} -eq 0 ]; then
  settings+=(-e PORT="$port" -e CHAT_HOST=127.0.0.1)
else
  publish=(-p "127.0.0.1:$port:8000")
fi
# not --rm: its log is read after it stops; the trap removes it
container=$("${engine[@]}" run -d "${publish[@]}" "${settings[@]}" "$image")
trap '"${engine[@]}" rm -f "$container" >/dev/null 2>&1 || true' EXIT

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 1
done
echo "health: $(curl -fsS "http://127.0.0.1:$port/health")"
uid=$("${engine[@]}" exec "$container" id -u)
echo "runs as uid $uid"
[ "$uid" != 0 ] || { echo "the server runs as root" >&2; exit 1; }
if [ "${engine[0]}" != docker ]; then
  # podman schedules health checks through systemd, which a sandbox may lack; run it once instead
  "${engine[@]}" healthcheck run "$container" && echo "HEALTHCHECK passes"
fi

./mvnw -B -ntp verify -Prunning-server -Dchat.url="http://127.0.0.1:$port/"

stopping=$(date +%s%N)
"${engine[@]}" stop -t 10 "$container" >/dev/null
took=$(( ($(date +%s%N) - stopping) / 1000000 ))
echo "stopped with SIGTERM in $took ms"
[ "$took" -lt 5000 ] || { echo "the container took longer than 5 s to stop" >&2; exit 1; }
# SIGTERM is logged to the end, every time (the JDK's log manager used to lose these lines)
log=$("${engine[@]}" logs "$container" 2>&1)
for line in "stopping: the JVM is shutting down" "shutting down: flushing and closing" "chat server stopped"; do
  grep -qF "$line" <<<"$log" || { echo "the container's log lacks '$line' after SIGTERM:" >&2; echo "$log" | tail -20 >&2; exit 1; }
done
echo "shutdown logged: $(grep -F 'chat server stopped' <<<"$log")"
