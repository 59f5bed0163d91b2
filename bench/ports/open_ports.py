#!/usr/bin/env python3
"""Prints the open ports of a scan result as sorted "address:port" words: medguard JSON or nmap XML (-oX)."""
import json, sys
import xml.etree.ElementTree as ET

path = sys.argv[1]
found = []
if path.endswith('.json'):
    data = json.load(open(path))
    found = [f"{h['address']}:{p['port']}" for h in data['hosts'] for p in h['ports'] if p['state'] == 'open']
else:
    for host in ET.parse(path).getroot().iter('host'):
        address = [a.get('addr') for a in host.iter('address') if a.get('addrtype') in ('ipv4', 'ipv6')][0]
        for port in host.iter('port'):
            if port.find('state').get('state') == 'open':
                found.append(f"{address}:{port.get('portid')}")
print(' '.join(sorted(found)))
