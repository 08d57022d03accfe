"""Run an ArcadeDB server with its Bolt plugin in this process until stdin closes or SIGTERM arrives.

Started by the ``bolt_server`` pytest fixture as a subprocess (so the JVM never lives inside the test
process). Usage: ``python arcadedb_server.py ROOT_DIR HTTP_PORT BOLT_PORT PASSWORD DATABASE``; prints
``READY`` on stdout once the database exists.
"""

from __future__ import annotations

import signal
import sys
import threading

import arcadedb_embedded


def main() -> None:
    """Start the server, create the database, print READY, and wait to be stopped."""
    root, http_port, bolt_port, password, database = sys.argv[1:6]
    server = arcadedb_embedded.create_server(
        root_path=root,
        root_password=password,
        config={
            "host": "127.0.0.1",
            "http_port": int(http_port),
            "server_plugins": "Bolt:com.arcadedb.bolt.BoltProtocolPlugin",
            "bolt_port": int(bolt_port),
        },
    )
    server.start()
    server.create_database(database)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    print("READY", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
