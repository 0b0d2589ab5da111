#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port in a temp directory.
#   eval "$(bash .ci/postgres.sh start)"   → exports VAPISYNC_POSTGRES and VAPISYNC_PG_DIR
#   bash .ci/postgres.sh stop "$VAPISYNC_PG_DIR"
# Installs Debian's postgresql package when no server binaries are present. The server runs with PostgreSQL's
# default settings (max_connections = 100, fsync on) and the connection string uses Npgsql's default pool, as in
# a plain deployment: the tests must pass there.
set -euo pipefail

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

case "${1:-}" in
  start)
    bin=$(find_bin)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      echo "installing postgresql" >&2
      apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      bin=$(find_bin)
    fi
    dir=$(mktemp -d /tmp/vapisync-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)))
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 >/dev/null
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >&2
    echo "export VAPISYNC_PG_DIR='$dir'"
    echo "export VAPISYNC_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres'"
    ;;
  stop)
    dir=${2:?usage: postgres.sh stop DIR}
    bin=$(find_bin)
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start | stop DIR" >&2
    exit 2
    ;;
esac
