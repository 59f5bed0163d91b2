# Sourced by ./test.sh: starts a PRIVATE PostgreSQL cluster for the tests and exports MEDGUARD_PG.
# The cluster lives in its own temp directory, listens only on 127.0.0.1 on a port nobody else uses, and is owned by
# the `postgres` user; any cluster already on the machine is left alone. Each run makes a fresh one (idempotent: a
# second source starts a second private cluster and registers its own teardown). Not `set -e`: test.sh sources us.

medguard_pg_start() {
  local bin="" candidate
  for candidate in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then bin=$candidate; break; fi
  done
  if [ -z "$bin" ]; then echo "postgres.sh: initdb not found under /usr/lib/postgresql (apt-get install postgresql)" >&2; return 1; fi

  # Run the server as `postgres` when we are root (the server refuses to run as root).
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "postgres.sh: no postgres user (is the postgresql package installed?)" >&2; return 1; }
    as=(runuser -u postgres --)
  fi

  local dir
  dir=$(mktemp -d /tmp/medguard-pg.XXXXXX) || return 1
  chmod 700 "$dir"
  [ ${#as[@]} -eq 0 ] || chown postgres:postgres "$dir"

  local user=medguard password
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
  printf '%s\n' "$password" > "$dir/pwfile"
  [ ${#as[@]} -eq 0 ] || chown postgres:postgres "$dir/pwfile"

  # Password over TCP (the tests connect like a real deployment); trust only on the private socket in $dir.
  if ! "${as[@]}" "$bin/initdb" -D "$dir/data" -U "$user" --pwfile="$dir/pwfile" --auth-host=scram-sha-256 \
      --auth-local=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    echo "postgres.sh: initdb failed:" >&2; tail -n 20 "$dir/initdb.log" >&2; rm -rf "$dir"; return 1
  fi
  rm -f "$dir/pwfile"

  # A free port: skip those that ss shows listening, and let the server itself reject one taken meanwhile.
  local listening="" port started=""
  command -v ss >/dev/null 2>&1 && listening=$(ss -Hltn 2>/dev/null | awk '{print $4}')
  for port in $(seq 55432 55531); do
    if grep -qE "[:.]$port\$" <<<"$listening"; then continue; fi
    # Test-only durability settings: the cluster is thrown away at teardown, so fsync buys nothing here.
    if "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        >/dev/null 2>&1; then
      started=$port; break
    fi
  done
  if [ -z "$started" ]; then
    echo "postgres.sh: the server did not start:" >&2; tail -n 20 "$dir/server.log" >&2; rm -rf "$dir"; return 1
  fi

  TEARDOWN+=("${as[*]} $bin/pg_ctl -D $dir/data -m fast -w stop; rm -rf $dir")

  if ! "${as[@]}" "$bin/psql" -h "$dir" -p "$started" -U "$user" -d postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE medguard" >/dev/null 2>"$dir/psql.log"; then
    echo "postgres.sh: CREATE DATABASE failed:" >&2; cat "$dir/psql.log" >&2; return 1
  fi

  export MEDGUARD_PG="Host=127.0.0.1;Port=$started;Username=$user;Password=$password;Database=medguard"
  export MEDGUARD_PG_DIR=$dir
  echo "postgres.sh: private PostgreSQL on 127.0.0.1:$started (data in $dir)" >&2
}

medguard_pg_start
