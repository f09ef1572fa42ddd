"""A small TCP proxy between the app and PostgreSQL, to cut its connections on purpose.

    with TcpProxy(upstream=("127.0.0.1", 5432)) as proxy:
        url = proxy.url(database_url)   # the same database, through the proxy
        ...
        proxy.cut()                     # every open connection dies at once, both sides
        proxy.refuse(True)              # the database is "down": new connections fail
        proxy.refuse(False)             # and back

A cut shuts both sockets of every pair: the client (psycopg) reads end-of-file
("server closed the connection unexpectedly") and PostgreSQL sees its client vanish,
so it ends that backend and rolls its open transaction back, as after a network
failure or a restart. Stdlib only; one thread accepts, one thread pumps each pair.
"""
from __future__ import annotations

import select
import socket
import struct
import threading
from dataclasses import dataclass

from sqlalchemy.engine import make_url

POLL_S = 0.05  # how often idle threads look at the stop flag


@dataclass
class Counters:
    accepted: int = 0  # connections the proxy took from clients, forwarded or not
    forwarded: int = 0  # of those, connected through to the upstream server
    refused: int = 0  # closed at once (or left unanswered) while refusing
    cut: int = 0  # pairs closed by cut()


class _Pair:
    """One client connection and its upstream connection."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client, self.upstream = client, upstream
        self.upstream_port = upstream.getsockname()[1]  # PostgreSQL's pg_stat_activity.client_port
        self.dead = threading.Event()

    def kill(self) -> None:
        """Shut both sides now; the pump thread notices and closes the sockets."""
        self.dead.set()
        for sock in (self.client, self.upstream):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def pump(self, on_exit) -> None:
        try:
            socks = [self.client, self.upstream]
            while not self.dead.is_set():
                readable, _, broken = select.select(socks, [], socks, POLL_S)
                if broken:
                    break
                for sock in readable:
                    data = sock.recv(65536)
                    if not data or self.dead.is_set():
                        return
                    (self.upstream if sock is self.client else self.client).sendall(data)
        except OSError:
            pass
        finally:
            self.kill()
            for sock in (self.client, self.upstream):
                sock.close()
            on_exit(self)


class TcpProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to `upstream`."""

    def __init__(self, upstream: tuple[str, int] = ("127.0.0.1", 5432), *, connect_timeout: float = 5.0) -> None:
        self.upstream = upstream
        self.connect_timeout = connect_timeout
        self.counters = Counters()
        self._lock = threading.Lock()
        self._pairs: set[_Pair] = set()
        self._stalled: list[socket.socket] = []
        self._refusing: str | None = None  # None, "close" or "stall"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(POLL_S)
        self.port: int = self._listener.getsockname()[1]

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> TcpProxy:
        thread = threading.Thread(target=self._accept_loop, name=f"tcp-proxy-{self.port}", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, close every connection, and wait (bounded) for the threads."""
        self._stop.set()
        self.cut()
        self._release_stalled()
        for thread in list(self._threads):
            thread.join(timeout)
        self._listener.close()

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop()

    # -- faults -----------------------------------------------------------------------
    def cut(self) -> int:
        """Close every open connection at once, both sides. Returns how many were cut."""
        with self._lock:
            pairs = list(self._pairs)
            self._pairs.clear()
            self.counters.cut += len(pairs)
        for pair in pairs:
            pair.kill()
        return len(pairs)

    def refuse(self, on: bool, *, how: str = "close") -> None:
        """While on, new connections fail: `close` accepts and resets them at once (a
        server that is down or shutting down); `stall` accepts and never answers (a
        host gone from the network: only the client's connect timeout ends the wait).
        Turning it off lets new connections through again (stalled ones are closed)."""
        if how not in ("close", "stall"):
            raise ValueError(how)
        with self._lock:
            self._refusing = how if on else None
        if not on:
            self._release_stalled()

    # -- what it saw --------------------------------------------------------------------
    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    @property
    def upstream_ports(self) -> set[int]:
        """Local ports of the open upstream connections (pg_stat_activity.client_port)."""
        with self._lock:
            return {pair.upstream_port for pair in self._pairs}

    def url(self, database_url: str, **query: str) -> str:
        """`database_url` with host and port swapped for the proxy's (and extra query args)."""
        url = make_url(database_url).set(host="127.0.0.1", port=self.port)
        if query:
            url = url.update_query_dict(query)
        return url.render_as_string(hide_password=False)

    # -- internals ----------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._lock:
                self.counters.accepted += 1
                refusing = self._refusing
                if refusing:
                    self.counters.refused += 1
                if refusing == "stall":
                    self._stalled.append(client)
            if refusing == "close":
                # SO_LINGER 0: close with a reset, as a port nobody listens on would answer
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                client.close()
            elif refusing is None:
                self._forward(client)

    def _forward(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=self.connect_timeout)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        pair = _Pair(client, upstream)
        with self._lock:
            if self._stop.is_set():
                pair.kill()
            self._pairs.add(pair)
            self.counters.forwarded += 1
        thread = threading.Thread(target=pair.pump, args=(self._forget,), name=f"tcp-proxy-pair-{pair.upstream_port}",
                                  daemon=True)
        thread.start()
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]

    def _forget(self, pair: _Pair) -> None:
        with self._lock:
            self._pairs.discard(pair)

    def _release_stalled(self) -> None:
        with self._lock:
            stalled, self._stalled = self._stalled, []
        for sock in stalled:
            sock.close()
