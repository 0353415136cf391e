#!/usr/bin/env python3
"""A HEPv3-over-TCP discard sink for relay benchmarks: accepts connections on 127.0.0.1:PORT,
reads the streams, counts whole HEP packets (6-byte header: "HEP3" and the total length) and
writes the count to COUNT_FILE (on every accept and at the end). Stops on SIGTERM or after
MAX_SECONDS. Usage: hep_count_sink.py PORT COUNT_FILE MAX_SECONDS"""
import selectors, signal, socket, struct, sys, time

port, count_file, max_seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
count = 0
running = True

def save():
    with open(count_file, "w") as f:
        f.write(str(count))

def stop(*_):
    global running
    running = False

signal.signal(signal.SIGTERM, stop)
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(16)
srv.setblocking(False)
sel = selectors.DefaultSelector()
sel.register(srv, selectors.EVENT_READ)
buffers = {}
save()
deadline = time.time() + max_seconds
while running and time.time() < deadline:
    for key, _ in sel.select(0.2):
        if key.fileobj is srv:
            conn, _ = srv.accept()
            conn.setblocking(False)
            sel.register(conn, selectors.EVENT_READ)
            buffers[conn] = bytearray()
            save()
            continue
        conn = key.fileobj
        try:
            data = conn.recv(1 << 20)
        except BlockingIOError:
            continue
        if not data:
            sel.unregister(conn)
            conn.close()
            del buffers[conn]
            continue
        buf = buffers[conn]
        buf += data
        pos = 0
        while len(buf) - pos >= 6:
            if buf[pos:pos + 4] != b"HEP3":
                sys.exit("hep_count_sink: bad magic")
            length = struct.unpack_from(">H", buf, pos + 4)[0]
            if length < 6 or len(buf) - pos < length:
                break
            pos += length
            count += 1
        del buf[:pos]
save()
