#!/usr/bin/env bash
# A throwaway PostgreSQL for tests and benches: a fresh cluster in a folder, on 127.0.0.1 and a free port.
#   bench/pg_test_server.sh start [DIR]   prints the database URL (DIR: a new temp folder when not given)
#   bench/pg_test_server.sh stop DIR      stops it and removes DIR
# The cluster trusts local connections and skips fsync: it holds test data only, never a deployment's.
# initdb refuses to run as root: as root, the cluster is run by the `postgres` user (else `nobody`).
set -euo pipefail

find_bin() {   # PATH first, then Debian's versioned folders (newest first)
  if command -v "$1" >/dev/null; then command -v "$1"; return; fi
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin/"$1" 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] || { echo "không tìm thấy $1 (cài gói postgresql)" >&2; exit 1; }
  echo "$found"
}

as_owner() {   # run a PostgreSQL program as the cluster's owner
  if [ "$(id -u)" = 0 ]; then runuser -u "$OWNER" -- "$@"; else "$@"; fi
}

if [ "$(id -u)" = 0 ]; then
  if id postgres >/dev/null 2>&1; then OWNER=postgres; else OWNER=nobody; fi
fi

case "${1:-}" in
  start)
    dir=${2:-$(mktemp -d /tmp/dvcbot-pg.XXXXXX)}
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown "$OWNER" "$dir"
    chmod 700 "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$(find_bin initdb)" -D "$dir/data" -U dvcbot --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$(find_bin pg_ctl)" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off \
       -c full_page_writes=off -c max_connections=300" >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://dvcbot@127.0.0.1:$port/postgres" | tee "$dir/url"
    ;;
  stop)
    dir=${2:?thư mục của máy chủ cần dừng}
    [ -d "$dir/data" ] && as_owner "$(find_bin pg_ctl)" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "cách dùng: $0 start [DIR] | stop DIR" >&2; exit 2;;
esac
