#!/usr/bin/env python3
"""Small protocol emulators for services Debian 12 does not ship (or cannot run in a test namespace):
MSSQL (TDS pre-login), Oracle TNS, MongoDB (OP_MSG, with and without auth), Elasticsearch, Docker API, HL7 MLLP.
Each answers the first request with protocol-correct bytes, like the real server's first reply; the scanner's
probes are tested against these and against the real Debian services (tests/setup.d/netns.sh).

Usage: emulators.py BIND_ADDRESS [name[=port] ...]   (no names: all, on the default ports below). Runs until killed.
Also: emulators.py --plain BIND_ADDRESS PORT... : bare listeners that accept and close (benchmarks).
      emulators.py --hold BIND_ADDRESS CONTROL_PORT PORT... : listeners that accept and say nothing, counting the
      connections open at once over all PORTs; a connection to CONTROL_PORT gets "max=M open=N accepted=A" and resets
      max (to the connections open now) and accepted (to 0). For the per-host concurrency test."""
import selectors, socket, struct, sys, threading

def bson(doc):
    out = b''
    for k, v in doc.items():
        key = k.encode() + b'\0'
        if isinstance(v, bool): out += b'\x08' + key + (b'\x01' if v else b'\x00')
        elif isinstance(v, float): out += b'\x01' + key + struct.pack('<d', v)
        elif isinstance(v, int): out += b'\x10' + key + struct.pack('<i', v)
        elif isinstance(v, str):
            e = v.encode() + b'\0'; out += b'\x02' + key + struct.pack('<i', len(e)) + e
        elif isinstance(v, list):
            out += b'\x04' + key + bson({str(i): x for i, x in enumerate(v)})
        elif isinstance(v, dict): out += b'\x03' + key + bson(v)
    return struct.pack('<i', len(out) + 5) + out + b'\0'

def opmsg(doc, response_to):
    body = struct.pack('<I', 0) + b'\0' + bson(doc)
    return struct.pack('<iiii', 16 + len(body), 99, response_to, 2013) + body

def recv_some(c, n=65536, timeout=3):
    c.settimeout(timeout)
    try: return c.recv(n)
    except OSError: return b''

def mssql(c):
    recv_some(c)
    opts = [(0, bytes([15, 0, 0x10, 0xd6, 0, 0])), (1, b'\x02'), (2, b'\0'), (3, b''), (4, b'\0')]
    off = len(opts) * 5 + 1; head = b''; data = b''
    for t, v in opts:
        head += bytes([t]) + struct.pack('>HH', off + len(data), len(v)); data += v
    payload = head + b'\xff' + data
    c.sendall(bytes([4, 1]) + struct.pack('>H', 8 + len(payload)) + b'\0\0\x01\0' + payload)

def oracle(c):
    recv_some(c)
    text = b'(DESCRIPTION=(TMP=)(VSNNUM=318767104)(ERR=0)(ALIAS=LISTENER))'
    body = bytes([0x22, 0x00]) + struct.pack('>H', len(text)) + text  # REFUSE: reasons, data length, data
    c.sendall(struct.pack('>HHBBH', 8 + len(body), 0, 4, 0, 0) + body)

def mongo(auth):
    def handle(c):
        while True:
            req = recv_some(c)
            if len(req) < 16: return
            rid = struct.unpack('<i', req[4:8])[0]
            if b'hello' in req or b'isMaster' in req:
                doc = {'isWritablePrimary': True, 'maxWireVersion': 17, 'minWireVersion': 0, 'ok': 1.0}
            elif b'listDatabases' in req and auth:
                doc = {'ok': 0.0, 'errmsg': 'command listDatabases requires authentication', 'code': 13, 'codeName': 'Unauthorized'}
            elif b'listDatabases' in req:
                doc = {'databases': [{'name': 'his'}, {'name': 'admin'}], 'totalSize': 73728.0, 'ok': 1.0}
            else:
                doc = {'ok': 0.0}
            c.sendall(opmsg(doc, rid))
    return handle

def http(body_for):
    def handle(c):
        req = recv_some(c)
        status, headers, body = body_for(req)
        c.sendall(('HTTP/1.0 %s\r\n%sContent-Length: %d\r\n\r\n' % (status, headers, len(body))).encode() + body)
    return handle

def elastic(req):
    body = b'{"name":"es01","cluster_name":"his-logs","version":{"number":"7.17.9"},"tagline":"You Know, for Search"}'
    return '200 OK', 'content-type: application/json\r\n', body

def docker(req):
    if b'/version' in req:
        body = b'{"Version":"20.10.24","ApiVersion":"1.41","Os":"linux"}'
    else:
        body = b'{"message":"page not found"}'
    return ('200 OK' if b'/version' in req else '404 Not Found'), 'Api-Version: 1.41\r\nContent-Type: application/json\r\nServer: Docker/20.10.24 (linux)\r\n', body

def hl7(c):
    req = recv_some(c)
    if req.startswith(b'\x0b'):
        ctrl = req.split(b'|')[9] if req.count(b'|') > 9 else b'MG0001'
        c.sendall(b'\x0bMSH|^~\\&|HIS-HL7|HOSPITAL|MEDGUARD|MEDGUARD|20260101000000||ACK^A19|A1|P|2.3\rMSA|AA|' + ctrl + b'\r\x1c\r')

HANDLERS = {
    'mssql': (1433, mssql), 'oracle': (1521, oracle), 'mongodb': (27017, mongo(False)), 'mongodb-auth': (27018, mongo(True)),
    'elasticsearch': (9200, http(elastic)), 'docker': (2375, http(docker)), 'hl7': (2575, hl7),
}

def serve(address, port, handler):
    family = socket.AF_INET6 if ':' in address else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, port)); s.listen(128)
    def loop():
        while True:
            c, _ = s.accept()
            def run(c=c):
                try: handler(c)
                except OSError: pass
                finally: c.close()
            threading.Thread(target=run, daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()

def alive(c):
    """The kernel's view, not a thread's: a peer that closed or reset is gone even if nobody has read it yet."""
    try:
        return c.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b''
    except BlockingIOError:
        return True
    except OSError:
        return False

def hold(address, control_port, ports):
    # One thread, one selector: counting happens in one place, and every connection still counted is checked with
    # the kernel just before a new one is counted. A client that closes a connection before opening the next (as a
    # concurrency cap requires) sends its FIN/RST before its SYN, so the old one is gone by the time the new one can
    # be accepted (a full handshake later): the maximum cannot be inflated by our own late reads.
    sel = selectors.DefaultSelector()
    family = socket.AF_INET6 if ':' in address else socket.AF_INET
    def listen(port, kind):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((address, port)); s.listen(128); s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, kind)
    listen(control_port, 'control')
    for p in ports:
        listen(p, 'listen')
    print('ready', flush=True)
    held, state = set(), {'max': 0, 'accepted': 0}
    def drop(c):
        if c in held:  # a purge may have dropped it earlier in the same batch of events
            held.discard(c); sel.unregister(c); c.close()
    def purge():
        for c in [c for c in held if not alive(c)]:
            drop(c)
    while True:
        for key, _ in sel.select():
            s, kind = key.fileobj, key.data
            if kind == 'conn':
                if s not in held:
                    continue
                try:
                    data = s.recv(4096)  # what a probe sends is read and ignored: we never answer
                except OSError:
                    data = b''
                if not data:
                    drop(s)
                continue
            try:
                c, _ = s.accept()
            except (BlockingIOError, InterruptedError):
                continue
            purge()
            if kind == 'control':
                c.sendall(b'max=%d open=%d accepted=%d\n' % (state['max'], len(held), state['accepted']))
                c.close()
                state['max'], state['accepted'] = len(held), 0
                continue
            state['accepted'] += 1
            if not alive(c):
                c.close()  # reset before we got to it (a sweep's connect-and-reset): never open at once with others
                continue
            c.setblocking(False)
            sel.register(c, selectors.EVENT_READ, 'conn')
            held.add(c)
            state['max'] = max(state['max'], len(held))

def main():
    if sys.argv[1] == '--hold':
        hold(sys.argv[2], int(sys.argv[3]), [int(p) for p in sys.argv[4:]])
    if sys.argv[1] == '--plain':
        address = sys.argv[2]
        for p in sys.argv[3:]:
            serve(address, int(p), lambda c: None)
    else:
        address = sys.argv[1]
        chosen = dict(HANDLERS) if len(sys.argv) == 2 else {}
        for arg in sys.argv[2:]:
            name, _, port = arg.partition('=')
            chosen[name] = (int(port) if port else HANDLERS[name][0], HANDLERS[name][1])
        for name, (port, handler) in chosen.items():
            serve(address, port, handler)
    print('ready', flush=True)
    threading.Event().wait()

if __name__ == '__main__':
    main()
