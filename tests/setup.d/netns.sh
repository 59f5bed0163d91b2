# shellcheck shell=bash
# Port scanner test network (sourced by ./test.sh). Creates network namespaces mgp-t* joined to this host by veth
# pairs in 10.200.1.0/24 … 10.200.4.0/24 (+ fd00:c8:1::/64), starts real Debian services (emulators only for what
# Debian does not ship: MSSQL, Oracle, MongoDB, Elasticsearch, Docker API, HL7) inside them, and exports their
# addresses. Tests scan only these addresses. Everything is undone by TEARDOWN.
#   mgp-tsrv  10.200.1.2  fd00:c8:1::2  real services + emulators
#             10.200.1.3  silent listeners counting concurrent connections (per-host concurrency test only)
#   mgp-tfw   10.200.2.2  nftables: drops everything but 8080 (open), 81 (closed, RST) and 82 (ICMP prohibited)
#   mgp-tnil  10.200.3.2  nothing listens: every port closed
#   mgp-tdead 10.200.4.2  answers ~40 SYNs, then drops everything (a host that stops answering)
MGP_LISTENERS="$MEDGUARD_ROOT/tests/MedGuard.Detection.Ports.Tests/Listeners/emulators.py"
MGP_DIR=/tmp/medguard-ports-test
mgp_log() { printf '[netns] %s\n' "$*" >&2; }

mgp_down() {
  local ns pid i
  for ns in mgp-tsrv mgp-tfw mgp-tnil mgp-tdead; do
    if ip netns pids "$ns" >/dev/null 2>&1; then
      for pid in $(ip netns pids "$ns"); do kill "$pid" 2>/dev/null; done
      sleep 0.3
      for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null; done
    fi
    ip netns del "$ns" 2>/dev/null
  done
  for i in 1 2 3 4; do ip link del "mgp-th$i" 2>/dev/null; done
  rm -rf /etc/netns/mgp-tsrv
  rm -f /tmp/.X57-lock /tmp/.X58-lock /tmp/.X11-unix/X57 /tmp/.X11-unix/X58
  return 0
}

mgp_ns() { # name index
  local ns=$1 i=$2
  ip netns add "$ns"
  ip link add "mgp-th$i" type veth peer name "mgp-tn$i"
  ip link set "mgp-tn$i" netns "$ns"
  ip addr add "10.200.$i.1/24" dev "mgp-th$i"
  ip link set "mgp-th$i" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "10.200.$i.2/24" dev "mgp-tn$i"
  ip -n "$ns" link set "mgp-tn$i" up
  # No default route: the tests only talk host <-> namespace on the shared /24, and the daemons inside must not
  # reach past this host.
}

mgp_wait() { # ns address port [seconds]
  local tries=$(( ${4:-20} * 5 ))
  for ((k = 0; k < tries; k++)); do
    ip netns exec "$1" timeout 1 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null && return 0
    sleep 0.2
  done
  mgp_log "service on $1 $2:$3 did not come up"; return 1
}

mgp_up() {
  mgp_down
  rm -rf "$MGP_DIR"; mkdir -p "$MGP_DIR"; chmod 755 "$MGP_DIR"
  mgp_ns mgp-tsrv 1 && mgp_ns mgp-tfw 2 && mgp_ns mgp-tnil 3 && mgp_ns mgp-tdead 4 || return 1
  ip addr add fd00:c8:1::1/64 dev mgp-th1 nodad
  ip -n mgp-tsrv addr add fd00:c8:1::2/64 dev mgp-tn1 nodad
  local X="ip netns exec mgp-tsrv"
  # `ip netns exec` mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf: a resolver that fails at once, so a
  # daemon that looks up its peers (exim) does not wait for a DNS server the namespace cannot reach.
  mkdir -p /etc/netns/mgp-tsrv && echo "nameserver 127.0.0.1" > /etc/netns/mgp-tsrv/resolv.conf

  # OpenSSH
  mkdir -p /run/sshd
  ssh-keygen -q -t ed25519 -N '' -f "$MGP_DIR/ssh_host_ed25519_key"
  $X /usr/sbin/sshd -f /dev/null -h "$MGP_DIR/ssh_host_ed25519_key" -o PidFile="$MGP_DIR/sshd.pid" -o ListenAddress=0.0.0.0 \
    -o ListenAddress=:: || mgp_log "sshd failed"

  # vsftpd: 21 allows anonymous login, 2121 does not
  mkdir -p /var/run/vsftpd/empty "$MGP_DIR/ftp"
  for spec in "21 YES NO" "2121 NO YES"; do
    set -- $spec
    cat > "$MGP_DIR/vsftpd-$1.conf" <<CONF
listen=YES
listen_port=$1
background=YES
anonymous_enable=$2
anon_root=$MGP_DIR/ftp
local_enable=$3
write_enable=NO
seccomp_sandbox=NO
secure_chroot_dir=/var/run/vsftpd/empty
ftpd_banner=Welcome to the PACS export FTP (vsFTPd)
xferlog_enable=NO
CONF
    $X /usr/sbin/vsftpd "$MGP_DIR/vsftpd-$1.conf" || mgp_log "vsftpd $1 failed"
  done

  # Redis: 6379 without a password, 6380 with one
  $X redis-server --port 6379 --bind 0.0.0.0 --protected-mode no --daemonize yes --pidfile "$MGP_DIR/redis1.pid" \
    --dir "$MGP_DIR" --save '' --logfile "$MGP_DIR/redis1.log" >/dev/null
  $X redis-server --port 6380 --bind 0.0.0.0 --protected-mode no --daemonize yes --pidfile "$MGP_DIR/redis2.pid" \
    --dir "$MGP_DIR" --save '' --requirepass medguard-test --logfile "$MGP_DIR/redis2.log" >/dev/null

  # memcached
  $X memcached -u nobody -p 11211 -U 0 -l 0.0.0.0 -d -P "$MGP_DIR/memcached.pid"

  # MariaDB: 3306 keeps root local-only (root over TCP is refused), 3307 lets 'root'@'%' in without a password
  # (the no-password case). Both small: 16 MB buffer pool each.
  local db
  for db in 3306 3307; do
    mariadb-install-db --user=root --datadir="$MGP_DIR/mysql-$db" --auth-root-authentication-method=normal \
      --skip-test-db >"$MGP_DIR/mariadb-install-$db.log" 2>&1 || mgp_log "mariadb-install-db $db failed"
    $X mariadbd --user=root --datadir="$MGP_DIR/mysql-$db" --socket="$MGP_DIR/mysql-$db.sock" --port=$db \
      --bind-address=0.0.0.0 --pid-file="$MGP_DIR/mysql-$db.pid" --skip-name-resolve --skip-log-bin \
      --innodb-buffer-pool-size=16M >"$MGP_DIR/mariadb-$db.log" 2>&1 &
  done

  # Accounts over the unix socket once up: on 3306 a network account, so the server greets remote clients with its
  # handshake; on 3307 a remote root without a password.
  if mgp_wait mgp-tsrv 10.200.1.2 3306 30; then
    $X mariadb --socket="$MGP_DIR/mysql-3306.sock" -uroot -e "CREATE USER IF NOT EXISTS 'his'@'%' IDENTIFIED BY 'medguard-test'" \
      || mgp_log "mariadb 3306 user failed"
  fi
  if mgp_wait mgp-tsrv 10.200.1.2 3307 30; then
    $X mariadb --socket="$MGP_DIR/mysql-3307.sock" -uroot \
      -e "CREATE USER IF NOT EXISTS 'root'@'%'; GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION" \
      || mgp_log "mariadb 3307 user failed"
  fi

  # PostgreSQL 15, trust authentication from anywhere (the no-password case)
  local PG=/usr/lib/postgresql/15/bin
  if [ -x "$PG/initdb" ]; then
    install -d -o postgres -g postgres "$MGP_DIR/pg" "$MGP_DIR/pgsock"
    runuser -u postgres -- "$PG/initdb" -D "$MGP_DIR/pg" -U postgres --auth=trust >"$MGP_DIR/initdb.log" 2>&1
    echo "host all all 0.0.0.0/0 trust" >> "$MGP_DIR/pg/pg_hba.conf"
    $X runuser -u postgres -- "$PG/pg_ctl" -D "$MGP_DIR/pg" -l "$MGP_DIR/pgsock/pg.log" -w \
      -o "-c listen_addresses='*' -c port=5432 -k $MGP_DIR/pgsock" start >/dev/null || mgp_log "postgres failed"
  else
    mgp_log "postgresql 15 not installed"
  fi

  # Samba (SMB on 445/139)
  mkdir -p "$MGP_DIR/samba"/{lock,state,cache,private,share}
  cat > "$MGP_DIR/smb.conf" <<CONF
[global]
  server role = standalone server
  workgroup = HOSPITAL
  pid directory = $MGP_DIR/samba
  lock directory = $MGP_DIR/samba/lock
  state directory = $MGP_DIR/samba/state
  cache directory = $MGP_DIR/samba/cache
  private dir = $MGP_DIR/samba/private
  log file = $MGP_DIR/samba/log.%m
  smb ports = 445 139
  disable netbios = yes
  load printers = no
[share]
  path = $MGP_DIR/samba/share
  guest ok = yes
CONF
  $X smbd -D -s "$MGP_DIR/smb.conf" || mgp_log "smbd failed"

  # xrdp (RDP on 3389)
  mkdir -p /var/run/xrdp
  # A pid file left by a run that was killed before its teardown makes xrdp refuse to start.
  rm -f /var/run/xrdp/xrdp.pid
  $X xrdp >"$MGP_DIR/xrdp.log" 2>&1 || mgp_log "xrdp failed"

  # nginx: 80 plain, 443 with a valid self-signed certificate, 8443 with an expired one
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$MGP_DIR/tls.key" -out "$MGP_DIR/tls.crt" -days 365 \
    -subj "/CN=his.hospital.test/O=MedGuard Test Hospital" >/dev/null 2>&1
  mkdir -p "$MGP_DIR/ca/newcerts"; : > "$MGP_DIR/ca/index.txt"; echo 01 > "$MGP_DIR/ca/serial"
  cat > "$MGP_DIR/ca/ca.cnf" <<CONF
[ca]
default_ca = test
[test]
dir = $MGP_DIR/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = anything
[anything]
commonName = supplied
CONF
  openssl req -new -newkey rsa:2048 -nodes -keyout "$MGP_DIR/expired.key" -out "$MGP_DIR/expired.csr" \
    -subj "/CN=old-portal.hospital.test" >/dev/null 2>&1
  openssl ca -batch -config "$MGP_DIR/ca/ca.cnf" -selfsign -keyfile "$MGP_DIR/expired.key" -in "$MGP_DIR/expired.csr" \
    -startdate 20200101000000Z -enddate 20210101000000Z -out "$MGP_DIR/expired.crt" >/dev/null 2>&1 || mgp_log "expired cert failed"
  mkdir -p "$MGP_DIR/www" "$MGP_DIR/nginx"
  printf '<html><head><title>医院信息系统 HIS 登录</title></head><body>login</body></html>\n' > "$MGP_DIR/www/index.html"
  cat > "$MGP_DIR/nginx.conf" <<CONF
pid $MGP_DIR/nginx.pid;
error_log $MGP_DIR/nginx/error.log;
worker_processes 1;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $MGP_DIR/nginx/body;
  proxy_temp_path $MGP_DIR/nginx/proxy;
  fastcgi_temp_path $MGP_DIR/nginx/fastcgi;
  uwsgi_temp_path $MGP_DIR/nginx/uwsgi;
  scgi_temp_path $MGP_DIR/nginx/scgi;
  charset utf-8;
  root $MGP_DIR/www;
  server { listen 80; listen [::]:80; }
  server { listen 443 ssl; ssl_certificate $MGP_DIR/tls.crt; ssl_certificate_key $MGP_DIR/tls.key; }
  server { listen 8443 ssl; ssl_certificate $MGP_DIR/expired.crt; ssl_certificate_key $MGP_DIR/expired.key; }
}
CONF
  $X nginx -c "$MGP_DIR/nginx.conf" || mgp_log "nginx failed"

  # An old HTTPS server (老旧设备管理界面): TLS 1.0/1.1 only, self-signed RSA-1024 — openssl s_server at security level 0
  openssl req -x509 -newkey rsa:1024 -nodes -keyout "$MGP_DIR/legacy.key" -out "$MGP_DIR/legacy.crt" -days 365 \
    -subj "/CN=device-console.hospital.test" >/dev/null 2>&1
  $X openssl s_server -accept 4443 -cert "$MGP_DIR/legacy.crt" -key "$MGP_DIR/legacy.key" -min_protocol TLSv1 \
    -max_protocol TLSv1.1 -cipher 'DEFAULT:@SECLEVEL=0' -www </dev/null >"$MGP_DIR/legacy-tls.log" 2>&1 &

  # DICOM (DCMTK): 104 accepts associations from any AE, 11112 refuses every association
  mkdir -p "$MGP_DIR/dicom"
  $X storescp -dhl --aetitle PACS --output-directory "$MGP_DIR/dicom" 104 >"$MGP_DIR/storescp104.log" 2>&1 &
  $X storescp -dhl --refuse 11112 >"$MGP_DIR/storescp11112.log" 2>&1 &

  # Telnet: GNU inetutils telnetd, started per connection by socat (in place of inetd)
  $X socat TCP-LISTEN:23,reuseaddr,fork EXEC:/usr/sbin/telnetd,nofork >"$MGP_DIR/telnetd.log" 2>&1 &
  # SMTP: exim (Debian's default configuration), listening on the namespace's addresses
  $X exim4 -bd -oX '0.0.0.0.25' -oP "$MGP_DIR/exim.pid" || mgp_log "exim failed"
  # LDAP: OpenLDAP slapd with the package's configuration (anonymous bind allowed, as by default)
  $X slapd -h "ldap://0.0.0.0:389/" -u openldap -g openldap || mgp_log "slapd failed"
  # VNC: TigerVNC's Xvnc — 5900 without authentication (a device's remote-maintenance screen left open), 5901 with
  # user/password (VeNCrypt Plain). Its blacklist would turn away a scanner's repeated short connections: lifted.
  rm -f /tmp/.X57-lock /tmp/.X58-lock /tmp/.X11-unix/X57 /tmp/.X11-unix/X58
  $X Xvnc :57 -rfbport 5900 -SecurityTypes None -BlacklistThreshold 1000000 -interface 0.0.0.0 -nolisten tcp \
    >"$MGP_DIR/xvnc.log" 2>&1 &
  $X Xvnc :58 -rfbport 5901 -SecurityTypes Plain -PlainUsers nobody -BlacklistThreshold 1000000 -interface 0.0.0.0 \
    -nolisten tcp >"$MGP_DIR/xvnc58.log" 2>&1 &

  # Protocol emulators for what Debian does not ship
  $X /usr/bin/python3 "$MGP_LISTENERS" 0.0.0.0 mssql oracle mongodb mongodb-auth elasticsearch docker hl7 \
    >"$MGP_DIR/emulators.log" 2>&1 &

  # A second address of mgp-tsrv that only the per-host concurrency test scans (no other test's sweep can disturb its
  # count): listeners that accept and say nothing and count the connections open at once; the count on 7100.
  ip -n mgp-tsrv addr add 10.200.1.3/24 dev mgp-tn1
  $X /usr/bin/python3 "$MGP_LISTENERS" --hold 10.200.1.3 7100 $(seq 7101 7108) >"$MGP_DIR/hold.log" 2>&1 &

  # mgp-tfw: a filtering firewall
  ip netns exec mgp-tfw nft -f - <<'NFT'
table inet mgp {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif lo accept
    tcp dport { 8080, 81 } accept
    tcp dport 82 reject with icmpx type admin-prohibited
    icmp type echo-request accept
  }
}
NFT
  ip netns exec mgp-tfw /usr/bin/python3 "$MGP_LISTENERS" --plain 0.0.0.0 8080 >"$MGP_DIR/fw.log" 2>&1 &

  # mgp-tdead: one open port, then silence after a few dozen SYNs (the quota counts SYN bytes)
  ip netns exec mgp-tdead /usr/bin/python3 "$MGP_LISTENERS" --plain 0.0.0.0 8080 >"$MGP_DIR/dead.log" 2>&1 &
  ip netns exec mgp-tdead nft -f - <<'NFT'
table inet mgp {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp flags syn quota over 2400 bytes drop
  }
}
NFT

  local ok=0
  for p in 22 21 2121 6379 6380 11211 3306 3307 5432 445 139 3389 80 443 8443 4443 104 11112 1433 1521 27017 27018 9200 2375 5900 5901 389 23 25 2575; do
    mgp_wait mgp-tsrv 10.200.1.2 "$p" 30 || ok=1
  done
  mgp_wait mgp-tsrv 10.200.1.3 7100 || ok=1
  mgp_wait mgp-tfw 10.200.2.2 8080 || ok=1
  return $ok
}

TEARDOWN+=("mgp_down")
TEARDOWN+=("rm -rf $MGP_DIR")
if mgp_up; then
  export MEDGUARD_PORTS_SRV=10.200.1.2 MEDGUARD_PORTS_SRV6=fd00:c8:1::2 MEDGUARD_PORTS_FW=10.200.2.2 \
    MEDGUARD_PORTS_NIL=10.200.3.2 MEDGUARD_PORTS_DEAD=10.200.4.2 MEDGUARD_PORTS_HOLD=10.200.1.3
  mgp_log "port-scan test network up"
else
  mgp_log "port-scan test network incomplete (see $MGP_DIR/*.log); port tests will fail"
fi
