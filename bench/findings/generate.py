#!/usr/bin/env python3
"""bench/findings/generate.py OUT_DIR [HOSTS] — two synthetic port-scan DetectionRun JSON files (docs/detection-run.md).

Data only: the files are imported, nothing is scanned and no packet is sent. The hosts are loopback addresses
(127.64.0.0/14) so that not even the data names a machine outside this one.
run1.json: HOSTS hosts in 127.64.0.0/14 (default 25,000), each with 4 of the 5 benchmark ports open as findings
(100,000 findings), every host covered and all 5 ports scanned, so an absent finding is closable.
run2.json: the same scan a day later with 10 % changed: 5 % of the findings gone (closed as 已修复 on import),
5 % new (the fifth port opened on as many hosts), the other 90 % seen again. No fingerprints are written: the
reader derives them. Evidence carries a banner so every finding has SM4 work to do, as real runs do.
"""
import datetime
import ipaddress
import json
import sys

PORTS = [21, 23, 445, 3389, 5900]
RULES = {
    21: ("high_risk_port", "FTP 明文传输端口开放", "中", ["L3-CES1-18", "L3-ABS1-05"]),
    23: ("high_risk_port", "Telnet 明文远程管理端口开放", "高", ["L3-CES1-18", "L3-ABS1-05"]),
    445: ("high_risk_port", "SMB/NetBIOS 文件共享端口对外开放", "高", ["L3-CES1-18", "L3-ABS1-05"]),
    3389: ("high_risk_port", "远程桌面 (RDP) 端口开放", "高", ["L3-CES1-18", "L3-ABS1-05"]),
    5900: ("high_risk_port", "VNC 远程控制端口开放", "高", ["L3-CES1-18", "L3-ABS1-05"]),
}


def finding(host, port):
    rule, title, severity, ref = RULES[port]
    return {
        "ruleId": rule, "title": title, "severity": severity, "targetKind": "service", "host": host, "port": port,
        "count": 1, "locations": [f"port:{port}", "policy:bench"],
        "standardRefs": ref, "highRiskCases": ["6.4.3.1"],
        "evidence": {"port": str(port), "why": "基准测试生成", "banner": f"bench {host}:{port} 值班电话 13800000000"},
        "remediation": "关闭对外访问，仅允许运维地址访问。",
    }


def run(hosts, findings, started):
    ended = started + datetime.timedelta(minutes=30)
    return {
        "schemaVersion": 1, "detector": "ports", "detectorVersion": "bench", "scope": "bench：127.64.0.0/14",
        "target": "127.64.0.0/14", "startedAt": started.isoformat(), "endedAt": ended.isoformat(),
        "durationMs": 1_800_000, "requests": 0, "connections": len(hosts) * len(PORTS), "files": 0, "complete": True,
        "coverage": [], "covered": {"subjects": hosts, "ports": ",".join(map(str, PORTS))},
        "hosts": [], "apps": [], "findings": findings,
    }


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 25_000
    network = ipaddress.ip_network("127.64.0.0/14")
    hosts = [str(network.network_address + 1 + i) for i in range(count)]
    # Host i lacks port PORTS[4] (5900): 4 findings per host.
    first = [(h, p) for h in hosts for p in PORTS[:4]]
    total = len(first)
    step = 20  # every 20th finding: 5 %
    gone = set(range(0, total, step))
    kept = [f for i, f in enumerate(first) if i not in gone]
    new = [(hosts[i * 5 % count], PORTS[4]) for i in range(len(gone))]
    second = kept + new
    # Started "now" (the authorization registered today covers it); the second run an hour later.
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(hours=2)
    for name, pairs, started in (("run1.json", first, now), ("run2.json", second, now + datetime.timedelta(hours=1))):
        with open(f"{out}/{name}", "w", encoding="utf-8") as f:
            json.dump(run(hosts, [finding(h, p) for h, p in pairs], started), f, ensure_ascii=False)
    print(f"run1.json: {len(first)} 条发现；run2.json: {len(second)} 条（消失 {len(gone)}，新增 {len(new)}，其余相同）")


if __name__ == "__main__":
    main()
