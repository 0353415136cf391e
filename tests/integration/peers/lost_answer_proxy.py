#!/usr/bin/env python3
"""A TCP proxy on loopback that loses the answer to one request (Python 3 stdlib only): the
failure of a database that committed a write and died before it said so.

  lost_answer_proxy.py LISTEN_PORT UPSTREAM_PORT MARKER [TIMES] [reset|silent]

relays every connection to 127.0.0.1:UPSTREAM_PORT, both ways, until a request whose bytes
contain MARKER (e.g. the URL-encoded `INSERT INTO sip_capture` of ClickHouse's HTTP interface)
has gone upstream and the upstream's answer to it starts to come back: then the client's
connection is reset (RST, SO_LINGER 0) instead, and the upstream's closed. TIMES (1) requests
are treated so; the others pass. With `silent` the client's connection is not reset but left
open and never answered (a server that stops answering in the middle of a statement): the
upstream's answer is discarded until the client closes. Prints "ready" once it listens and
"lost" each time it resets or silences a client. One thread, select(): a socket is closed only
when nothing else reads it, so the reset does go out. Runs until killed.
"""
import selectors
import socket
import struct
import sys


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    listen, upstream, marker = int(argv[1]), int(argv[2]), argv[3].encode()
    left = int(argv[4]) if len(argv) > 4 else 1
    silent = len(argv) > 5 and argv[5] == "silent"
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", listen))
    server.listen(16)
    sel = selectors.DefaultSelector()
    sel.register(server, selectors.EVENT_READ, None)
    print("ready", flush=True)

    class Pair:
        def __init__(self, client, up):
            self.client, self.up = client, up
            self.poisoned = False
            self.silenced = False
            self.tail = b""  # the marker may straddle two reads

    def close(pair, reset):
        for s in (pair.client, pair.up):
            try:
                sel.unregister(s)
            except (KeyError, ValueError):
                pass
        if reset:
            pair.client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        pair.client.close()
        pair.up.close()

    while True:
        for key, _ in sel.select():
            if key.data is None:
                client, _ = server.accept()
                try:
                    up = socket.create_connection(("127.0.0.1", upstream), timeout=30)
                except OSError:
                    client.close()
                    continue
                pair = Pair(client, up)
                sel.register(client, selectors.EVENT_READ, (pair, True))
                sel.register(up, selectors.EVENT_READ, (pair, False))
                continue
            pair, from_client = key.data
            try:
                data = key.fileobj.recv(65536)
            except OSError:
                data = b""
            if not data:
                close(pair, False)
                continue
            if from_client:
                if not pair.poisoned and left > 0 and marker in pair.tail + data:
                    left -= 1
                    pair.poisoned = True
                pair.tail = data[-len(marker):]
                pair.up.sendall(data)
            elif pair.poisoned and silent:
                if not pair.silenced:  # the client waits; what the upstream says is dropped
                    pair.silenced = True
                    print("lost", flush=True)
            elif pair.poisoned:
                # The upstream answered: what it was asked is done. The client never hears.
                close(pair, True)
                print("lost", flush=True)
            else:
                pair.client.sendall(data)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
