# shellcheck shell=bash
# UDP service test network (sourced by ./test.sh; idempotent: whatever an earlier run left is removed first). Two
# namespaces joined to this host by veth pairs; real Debian daemons inside; tests probe only these addresses.
#   mgu-open 10.200.5.2  left open: snmpd (communities public / private), tftpd-hpa, ntpsec answering mode 6
#                        queries, minissdpd with a registered UPnP device, dnsmasq recursing for anyone (it forwards
#                        to 10.200.5.3, a dnsmasq in the same namespace that answers every name: no traffic leaves)
#   mgu-safe 10.200.6.2  the safe twins: snmpd with a non-default community only, ntpsec with `noquery`, dnsmasq
#                        without recursion (no upstream: REFUSED); no TFTP, no SSDP
MGU_DIR=/tmp/medguard-udp-test
mgu_log() { printf '[udp] %s\n' "$*" >&2; }

mgu_down() {
  local ns pid
  for ns in mgu-open mgu-safe; do
    if ip netns pids "$ns" >/dev/null 2>&1; then
      for pid in $(ip netns pids "$ns"); do kill "$pid" 2>/dev/null; done
      sleep 0.3
      for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null; done
    fi
    ip netns del "$ns" 2>/dev/null
  done
  ip link del mgu-h5 2>/dev/null
  ip link del mgu-h6 2>/dev/null
  return 0
}

mgu_ns() { # name index
  local ns=$1 i=$2
  ip netns add "$ns"
  ip link add "mgu-h$i" type veth peer name "mgu-n$i"
  ip link set "mgu-n$i" netns "$ns"
  ip addr add "10.200.$i.1/24" dev "mgu-h$i"
  ip link set "mgu-h$i" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "10.200.$i.2/24" dev "mgu-n$i"
  ip -n "$ns" link set "mgu-n$i" up
  # No default route: the daemons inside cannot reach past this host.
}

mgu_snmpd() { # ns address community…
  local ns=$1 addr=$2; shift 2
  local conf=$MGU_DIR/snmpd-$ns.conf
  {
    echo "sysDescr MedGuard test PACS gateway (Net-SNMP)"
    echo "sysLocation 放射科机房"
    for c in "$@"; do echo "rocommunity $c default"; done
  } > "$conf"
  ip netns exec "$ns" snmpd -f -C -c "$conf" -Lf "$MGU_DIR/snmpd-$ns.log" -p "$MGU_DIR/snmpd-$ns.pid" "udp:$addr:161" &
}

mgu_ntpd() { # ns restrict-line
  local ns=$1
  mkdir -p "$MGU_DIR/ntp-$ns"
  cat > "$MGU_DIR/ntp-$ns/ntp.conf" <<CONF
driftfile $MGU_DIR/ntp-$ns/drift
$2
restrict 127.0.0.1
CONF
  ip netns exec "$ns" ntpd -n -g -c "$MGU_DIR/ntp-$ns/ntp.conf" -p "$MGU_DIR/ntp-$ns/ntpd.pid" \
    >"$MGU_DIR/ntp-$ns/ntpd.log" 2>&1 &
}

mgu_up() {
  mgu_down
  rm -rf "$MGU_DIR"; mkdir -p "$MGU_DIR/tftp"; chmod 755 "$MGU_DIR" "$MGU_DIR/tftp"
  echo "firmware" > "$MGU_DIR/tftp/pump-firmware.bin"
  mgu_ns mgu-open 5 && mgu_ns mgu-safe 6 || return 1
  ip -n mgu-open addr add 10.200.5.3/24 dev mgu-n5

  # SNMP: the default communities on the open host; a site-specific one only on the safe twin
  mgu_snmpd mgu-open 10.200.5.2 public private
  mgu_snmpd mgu-safe 10.200.6.2 Hosp1tal-Ro-7f3a
  # TFTP (open host only)
  ip netns exec mgu-open in.tftpd --listen --foreground --address 10.200.5.2:69 --secure "$MGU_DIR/tftp" \
    >"$MGU_DIR/tftpd.log" 2>&1 &
  # NTP: mode 6 (ntpq) queries answered for anyone / refused (noquery)
  # (ntpsec answers mode 6 only to addresses with a restrict line of their own; "default" alone is not enough)
  mgu_ntpd mgu-open "restrict 10.200.0.0 mask 255.255.0.0 nomodify"
  mgu_ntpd mgu-safe "restrict 10.200.0.0 mask 255.255.0.0 nomodify noquery"
  # SSDP: minissdpd answering M-SEARCH for a device registered over its socket (open host only)
  ip netns exec mgu-open minissdpd -d -i mgu-n5 -s "$MGU_DIR/minissdpd.sock" -p "$MGU_DIR/minissdpd.pid" \
    >"$MGU_DIR/minissdpd.log" 2>&1 &
  # DNS: an open recursive resolver (forwards to .3), the upstream on .3, and a resolver that refuses to recurse
  ip netns exec mgu-open dnsmasq --conf-file=/dev/null --keep-in-foreground --user=root --no-hosts --no-resolv \
    --bind-interfaces --listen-address=10.200.5.3 --address=/#/192.0.2.80 --pid-file="$MGU_DIR/dns-up.pid" \
    >"$MGU_DIR/dns-up.log" 2>&1 &
  ip netns exec mgu-open dnsmasq --conf-file=/dev/null --keep-in-foreground --user=root --no-hosts --no-resolv \
    --bind-interfaces --listen-address=10.200.5.2 --server=10.200.5.3 --pid-file="$MGU_DIR/dns-open.pid" \
    >"$MGU_DIR/dns-open.log" 2>&1 &
  ip netns exec mgu-safe dnsmasq --conf-file=/dev/null --keep-in-foreground --user=root --no-hosts --no-resolv \
    --bind-interfaces --listen-address=10.200.6.2 --pid-file="$MGU_DIR/dns-safe.pid" \
    >"$MGU_DIR/dns-safe.log" 2>&1 &

  # The UPnP device minissdpd announces: registered over its unix socket (request 4: ST, USN, server, location).
  local k
  for ((k = 0; k < 50; k++)); do [ -S "$MGU_DIR/minissdpd.sock" ] && break; sleep 0.1; done
  python3 - "$MGU_DIR/minissdpd.sock" <<'PY' || mgu_log "minissdpd registration failed"
import socket, sys
def field(s):
    b = s.encode()
    return bytes([len(b)]) + b  # lengths < 128: one byte
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(b"\x04" + field("urn:schemas-upnp-org:device:InternetGatewayDevice:1")
          + field("uuid:medguard-test-igd::urn:schemas-upnp-org:device:InternetGatewayDevice:1")
          + field("Linux/6.1 UPnP/1.1 MiniUPnPd/2.3") + field("http://10.200.5.2:5000/rootDesc.xml"))
s.close()
PY

  # Ready when each daemon has its port bound (ss in the namespace: no probe of ours before the tests').
  local ok=0 want
  for want in "mgu-open 10.200.5.2:161" "mgu-open 10.200.5.2:69" "mgu-open :123" "mgu-open :1900" \
      "mgu-open 10.200.5.2:53" "mgu-open 10.200.5.3:53" "mgu-safe 10.200.6.2:161" "mgu-safe :123" "mgu-safe 10.200.6.2:53"; do
    set -- $want
    for ((k = 0; k < 100; k++)); do ip netns exec "$1" ss -Hlun | grep -q "$2 " && break; sleep 0.1; done
    ((k < 100)) || { mgu_log "$1: nothing on udp $2 (see $MGU_DIR/*.log)"; ok=1; }
  done
  return $ok
}

TEARDOWN+=("mgu_down")
TEARDOWN+=("rm -rf $MGU_DIR")
if mgu_up; then
  export MEDGUARD_UDP_OPEN=10.200.5.2 MEDGUARD_UDP_SAFE=10.200.6.2
  mgu_log "UDP service test network up"
else
  mgu_log "UDP service test network incomplete; UDP tests will fail"
fi
