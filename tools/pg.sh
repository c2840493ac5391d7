#!/usr/bin/env bash
# A throwaway PostgreSQL for the test suite, from Debian's packages.
#
#   tools/pg.sh start   install postgresql if missing (root + apt), start a cluster in
#                       .cache/pg listening only on a unix socket there (no TCP port, so several
#                       checkouts never collide); prints its URL on stdout
#   tools/pg.sh stop    stop that cluster
#
# When it cannot run (no apt, not root and no PostgreSQL installed, a folder the postgres
# user cannot reach), `start` prints one line saying why on stderr and exits 1.
# The cluster runs with fsync off: it holds test data only.
set -u
DIR="${CROSSWIRE_PG_DIR:-$(pwd)/.cache/pg}"
DATA="$DIR/data"
SOCK="$DIR/run"
LOG="$DIR/server.log"

say() { echo "postgres: $*" >&2; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# initdb and the server refuse to run as root: run them as the postgres system user.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_pg() {
  if [ "$(id -u)" != 0 ]; then say "not installed, and installing it needs root (apt-get install postgresql)"; return 1; fi
  if ! command -v apt-get >/dev/null 2>&1; then say "not installed, and there is no apt-get here"; return 1; fi
  say "installing Debian's postgresql package (once)"
  export DEBIAN_FRONTEND=noninteractive
  # no 'main' cluster on port 5432: the tests start their own
  apt-get install -y -qq postgresql-common >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql-common >/dev/null 2>&1; } || { say "apt-get install postgresql-common failed"; return 1; }
  if [ -f /etc/postgresql-common/createcluster.conf ]; then
    sed -i 's/^#\?\s*create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf
  fi
  apt-get install -y -qq postgresql >/dev/null 2>&1 || { say "apt-get install postgresql failed"; return 1; }
}

start() {
  BIN="$(pg_bin)"
  if [ -z "$BIN" ]; then install_pg || return 1; BIN="$(pg_bin)"; fi
  [ -n "$BIN" ] || { say "no server binaries under /usr/lib/postgresql after installing"; return 1; }
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then say "no 'postgres' system user to run the server as"; return 1; fi
  mkdir -p "$SOCK" || return 1
  [ "$(id -u)" = 0 ] && chown -R postgres "$DIR"
  if [ ! -s "$DATA/PG_VERSION" ]; then
    if ! as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C -N >"$DIR/initdb.log" 2>&1; then
      say "initdb failed in $DATA (can the postgres user reach this folder?): $(tail -n 1 "$DIR/initdb.log")"
      return 1
    fi
  fi
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 -o "-c listen_addresses='' -k $SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null 2>&1; then
      say "the server did not start: $(tail -n 1 "$LOG" 2>/dev/null)"
      return 1
    fi
  fi
  echo "postgresql://postgres@/postgres?host=$SOCK"
}

stop() {
  BIN="$(pg_bin)"
  [ -n "$BIN" ] && [ -s "$DATA/PG_VERSION" ] || return 0
  as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
