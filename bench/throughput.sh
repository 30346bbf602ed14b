#!/usr/bin/env bash
# Requests per second of the platform against a hello-world Flask app ([Scale]), both served by
# gunicorn with the same settings (-w 2 -k sync, loopback), measured by wrk (-t2 -c16, DURATION
# seconds each, 10 by default): for each of /, /notices/, a notice (the newest, and the newest
# trading notice), /api/v1/notices, a project (the newest, and the newest signed) and a draw, a
# hello-world run then a platform run, with the ratio platform / hello, and then
# the resident memory (VmRSS) of each platform worker. The platform runs the development
# (default) configuration on the demo data in a fresh SQLite file in a temp instance folder,
# console SMS, no in-process scheduler (production runs one `flask scheduler` beside the web).
# If config.py has a page cache by then, the platform is measured twice: cache on (warmed by one
# request before wrk) and cache off.
# Each row also gives the CPU time the workers spent per request (utime + stime from /proc, over
# the wrk run): on a machine others share, requests per second fall with the load while CPU
# milliseconds per request hardly move, so "hello ms / platform ms" is the ratio an idle
# machine would show.
#
# Run from the repository root: `bash bench/throughput.sh` (DURATION=30 for longer runs). wrk is
# installed from Debian when missing and running as root. Every server is stopped on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/.venv/bin"
DURATION="${DURATION:-10}"
WORKERS=2
TMP="$(mktemp -d -t throughput-bench-XXXXXX)"
PIDS=()

cleanup() {
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

if ! command -v wrk >/dev/null; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y -qq wrk >/dev/null
	else
		echo "wrk is missing (apt-get install wrk as root)" >&2
		exit 1
	fi
fi

free_port() {
	"$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The platform's environment: development config, SQLite in the temp instance folder.
export FLASK_APP=app:create_app
export SMALLWORKS_ENV=development
export SMALLWORKS_INSTANCE="$TMP/instance"
export DATABASE_URL="sqlite:///$TMP/instance/smallworks.sqlite3"
export SMS_BACKEND=console
export SCHEDULER_IN_PROCESS=0
# wrk is one client address: the API's per-address limit (300 a minute) would answer most of its
# requests with a cheap 429. The platform is measured serving the API, not refusing it.
export API_RATE_LIMIT="100000000 per minute"
mkdir -p "$SMALLWORKS_INSTANCE"

echo "Building the demo data in $SMALLWORKS_INSTANCE …"
(cd "$ROOT" && "$BIN/flask" db upgrade >"$TMP/upgrade.log" 2>&1 && "$BIN/flask" demo >"$TMP/demo.log" 2>&1) || {
	echo "flask db upgrade / flask demo failed:" >&2
	tail -20 "$TMP/upgrade.log" "$TMP/demo.log" >&2
	exit 1
}

# start NAME DIR APP [VAR=VALUE…]: gunicorn on a free loopback port; sets PORT_<NAME>, PID_<NAME>.
start() {
	local name="$1" dir="$2" app="$3" port
	shift 3
	port="$(free_port)"
	env "$@" "$BIN/gunicorn" --chdir "$dir" -w "$WORKERS" -k sync -b "127.0.0.1:$port" \
		--log-level warning "$app" >"$TMP/$name.log" 2>&1 &
	local pid=$!
	PIDS+=("$pid")
	for _ in $(seq 100); do
		if curl -fs -o /dev/null "http://127.0.0.1:$port/"; then
			printf -v "PORT_$name" '%s' "$port"
			printf -v "PID_$name" '%s' "$pid"
			return 0
		fi
		sleep 0.2
	done
	echo "$name did not start:" >&2
	cat "$TMP/$name.log" >&2
	exit 1
}

stop() {
	local pid="$1"
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

cpu_ticks() { # gunicorn master pid → CPU clock ticks (user + system) its workers have used
	local worker total=0
	for worker in $(ps --ppid "$1" -o pid= 2>/dev/null); do
		# The fields after the command name, which has spaces: utime and stime are 12th and 13th.
		total=$((total + $(sed 's/.*) //' "/proc/$worker/stat" | awk '{print $12 + $13}')))
	done
	echo "$total"
}

run() { # MASTER-PID URL → "requests/s CPU-ms-per-request non-2xx/3xx-answers"
	local before after out
	before="$(cpu_ticks "$1")"
	out="$(wrk -t2 -c16 -d"${DURATION}s" "$2")"
	after="$(cpu_ticks "$1")"
	awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
		/requests in/ {n = $1}
		/^Requests\/sec:/ {rps = $2}
		/Non-2xx or 3xx responses:/ {bad = $NF}
		END {printf "%s %.2f %d", rps, (n > 0 ? ticks * 1000 / hz / n : 0), bad}' <<<"$out"
}

rss() { # gunicorn master pid → "pid: VmRSS" of each worker
	local worker
	for worker in $(ps --ppid "$1" -o pid= 2>/dev/null); do
		printf '%s: %s  ' "$worker" "$(awk '/^VmRSS:/ {print $2 " " $3}' "/proc/$worker/status")"
	done
	echo
}

json() { # URL PYTHON-EXPRESSION-OF-d
	curl -fs "$1" | "$BIN/python" -c "import json, sys; d = json.load(sys.stdin); print($2)"
}

start hello "$ROOT/bench" hello:app
start platform "$ROOT" "app:create_app()"

base="http://127.0.0.1:$PORT_platform"
notice="$(json "$base/api/v1/notices" 'd["items"][0]["id"]')"
project="$(json "$base/api/v1/projects" 'd["items"][0]["code"]')"
draw="$(json "$base/api/v1/draws" 'next(i["draw_id"] for i in d["items"] if i["status"] == "drawn")')"
# The newest notice and project are whatever the demo made last (a sanction, a project not yet
# announced): the two rows after them are the kinds most visitors open, a trading's notice and a
# signed project with its rounds, draws and contract.
trading="$(json "$base/api/v1/notices" 'next(i["id"] for i in d["items"] if i["type"] == "trading_notice")')"
signed="$(json "$base/api/v1/projects" 'next(i["code"] for i in d["items"] if i["status"] == "signed")')"
stop "$PID_platform"
PATHS=("/" "/notices/" "/notices/$notice" "/notices/$trading" "/api/v1/notices" "/projects/$project"
	"/projects/$signed" "/draws/$draw")

# Runs of the platform: one, or cache on and off when config.py has a page cache.
RUNS=("default")
OFF_ENV=()
if grep -q CACHE "$ROOT/config.py"; then
	for var in $(grep -oE 'environ(\.get)?[([]"[A-Z_]*CACHE[A-Z_]*"' "$ROOT/config.py" | grep -oE '[A-Z_]*CACHE[A-Z_]*' | sort -u); do
		case "$var" in # the switch itself; addresses and lifetimes stay as they are
		*PAGE_CACHE) OFF_ENV+=("$var=0") ;;
		*CACHE_TYPE) OFF_ENV+=("$var=NullCache") ;;
		esac
	done
	RUNS=("cache-on" "cache-off")
	echo "config.py has a page cache: measured on (warmed) and off (${OFF_ENV[*]:-no variable found})"
fi

echo "gunicorn -w $WORKERS -k sync on 127.0.0.1; wrk -t2 -c16 -d${DURATION}s; $(nproc) cores"
for run in "${RUNS[@]}"; do
	if [ "$run" = "cache-off" ]; then
		start platform "$ROOT" "app:create_app()" "${OFF_ENV[@]}"
	else
		start platform "$ROOT" "app:create_app()"
	fi
	echo
	echo "platform: $run"
	printf '%-34s %11s %11s %7s %9s %9s %7s %7s\n' "path" "hello r/s" "platf. r/s" "ratio" \
		"hello ms" "platf. ms" "ratio" "non-2xx"
	for path in "${PATHS[@]}"; do
		curl -fs -o /dev/null "http://127.0.0.1:$PORT_platform$path" # warm: caches, templates
		read -r h hms _hbad <<<"$(run "$PID_hello" "http://127.0.0.1:$PORT_hello/")"
		read -r p pms pbad <<<"$(run "$PID_platform" "http://127.0.0.1:$PORT_platform$path")"
		awk -v path="$path" -v h="$h" -v p="$p" -v hms="$hms" -v pms="$pms" -v bad="$pbad" 'BEGIN {
			printf "%-34s %11s %11s %7.3f %9s %9s %7.3f %7d\n", path, h, p, (h > 0 ? p / h : 0),
				hms, pms, (pms > 0 ? hms / pms : 0), bad}'
	done
	echo "RSS per platform worker ($run): $(rss "$PID_platform")"
	stop "$PID_platform"
done
echo "RSS per hello-world worker: $(rss "$PID_hello")"
