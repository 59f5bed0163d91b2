#!/usr/bin/env python3
"""A delaying wire between two TUN devices, for kernels without tc netem (this CI's VM has none).
Every IP packet read from one device is written to the other DELAY_MS later (one-way), in order, nothing dropped.
Usage: delay_tun.py DEV_A DEV_B DELAY_MS   (devices created beforehand with `ip tuntap add … mode tun`; the caller
moves DEV_B into its namespace after this prints "ready")."""
import fcntl, heapq, os, select, struct, sys, time

TUNSETIFF, IFF_TUN, IFF_NO_PI = 0x400454ca, 0x0001, 0x1000

def attach(name):
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd

a, b = attach(sys.argv[1]), attach(sys.argv[2])
delay = float(sys.argv[3]) / 1000.0
peer = {a: b, b: a}
queue, seq = [], 0
print('ready', flush=True)
while True:
    timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else 1.0
    readable, _, _ = select.select([a, b], [], [], timeout)
    now = time.monotonic()
    for fd in readable:
        for _ in range(256):
            try:
                packet = os.read(fd, 65535)
            except BlockingIOError:
                break
            seq += 1
            heapq.heappush(queue, (now + delay, seq, peer[fd], packet))
    now = time.monotonic()
    while queue and queue[0][0] <= now:
        _, _, fd, packet = heapq.heappop(queue)
        try:
            os.write(fd, packet)
        except OSError:
            pass
