"""Google Cloud Storage's JSON API on 127.0.0.1, for the tests: the emulator of the PyPI package
gcp-storage-emulator (pure Python, objects in memory, ranged downloads, paged listings):

    python -m tests.cloud.gcs_app PORT_FILE

writes the port the OS picked to PORT_FILE once it listens, and serves until it is stopped.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from gcp_storage_emulator.server import create_server


def main() -> None:
    server = create_server("127.0.0.1", 0, in_memory=True)
    server.start()  # returns once it listens
    # The package keeps the port it was asked for (0); the bound one is its HTTP server's.
    port = server._api._httpd.server_port
    port_file = Path(sys.argv[1])
    partial = port_file.with_suffix(".partial")
    partial.write_text(str(port))
    partial.replace(port_file)  # whole or not at all for the reader
    threading.Event().wait()  # until the test session stops this process


if __name__ == "__main__":
    main()
