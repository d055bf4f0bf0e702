#!/usr/bin/env python3
"""Heap and RSS per WebSocket connection of a running server, measured from outside.

Opens N raw WebSocket connections to ws://127.0.0.1:PORT/PATH from this one process, reads what
the server sends them, and reports the growth of the server JVM's heap after GC (jcmd GC.run,
twice, then GC.heap_info) and of its RSS, per connection. With --chat CHARS, each connection
first sends one chat of that many characters. The server must allow N connections from one
address at once (CHAT_MAX_CONNECTIONS_PER_ADDRESS=0 CHAT_ADDRESS_HANDSHAKES=0, and for the jar
CHAT_MAX_SOCKETS_PER_ADDRESS=0) and, with --chat, N chats at once (CHAT_RATE_LIMIT=0
CHAT_ADDRESS_BYTES=0).

  python3 bench/idle-connections.py --port 8080 --pid "$(pgrep -f catalina.base)" -n 1000

Used for docs/deployment.md's Tomcat figures; run it twice in one JVM and read both rounds.
"""
import argparse, base64, os, re, socket, struct, subprocess, time


def heap_kib(pid):
    for _ in range(2):
        subprocess.run(["jcmd", pid, "GC.run"], capture_output=True, check=True)
        time.sleep(1)
    info = subprocess.run(["jcmd", pid, "GC.heap_info"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"used (\d+)K", info).group(1))


def rss_kib(pid):
    with open("/proc/%s/status" % pid) as status:
        return int(status.read().split("VmRSS:")[1].split()[0])


def connect(port, path):
    s = socket.create_connection(("127.0.0.1", port), timeout=60)  # a container may still be announcing the last round's leaves
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (path, port, key)).encode())
    head = s.recv(4096)
    if not head.startswith(b"HTTP/1.1 101"):
        raise SystemExit("handshake refused: %r" % head[:80])
    return s


def text_frame(text):
    payload = text.encode()
    mask = os.urandom(4)
    length = bytes([0x80 | len(payload)]) if len(payload) < 126 else bytes([0x80 | 126]) + struct.pack(">H", len(payload))
    return bytes([0x81]) + length + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def drain(sockets):
    for s in sockets:
        s.setblocking(False)
        try:
            while s.recv(65536):
                pass
        except BlockingIOError:
            pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", required=True, help="the server JVM's process id")
    parser.add_argument("--path", default="/chat")
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--chat", type=int, default=0, help="characters of one chat each connection sends")
    args = parser.parse_args()
    for s in [connect(args.port, args.path) for _ in range(50)]:  # warm the server up
        s.close()
    time.sleep(2)
    heap, rss = heap_kib(args.pid), rss_kib(args.pid)
    sockets = [connect(args.port, args.path) for _ in range(args.n)]
    if args.chat:
        for s in sockets:
            s.sendall(text_frame('{"type":"chat","name":"t","text":"%s"}' % ("가" * args.chat)))
    time.sleep(5)
    drain(sockets)
    what = "each sent a %d-character chat" % args.chat if args.chat else "idle"
    print("%d connections, %s: heap after GC +%.1f KiB each, RSS +%.1f KiB each"
          % (args.n, what, (heap_kib(args.pid) - heap) / args.n, (rss_kib(args.pid) - rss) / args.n))
    for s in sockets:
        s.close()


if __name__ == "__main__":
    main()
