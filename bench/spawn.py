"""Run one command, timed, and write its wall time and peak memory as JSON.

    python -I -S bench/spawn.py RESULT.json TIMEOUT_SECONDS COMMAND [ARG...]

A small process of its own between the bench and the command, because
Linux counts a child's memory before its ``exec`` in the child's
``ru_maxrss``: forked straight from the bench (hundreds of MB by then),
every command would show at least the bench's size. Forked from this
process (a bare interpreter, no site, stdlib only), the floor is a few MB,
below any chrono command. stdout and stderr pass through; the command is
killed at the timeout.
"""

import json
import os
import signal
import sys
import time


def main() -> None:
    result, timeout, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    killed = []
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)  # noqa: S606 (the bench's own command line)
        finally:
            os._exit(127)

    def kill(signum: int, frame: object) -> None:
        killed.append(True)
        os.kill(pid, signal.SIGKILL)

    signal.signal(signal.SIGALRM, kill)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    signal.setitimer(signal.ITIMER_REAL, 0)
    done = {"seconds": seconds, "max_rss_kb": usage.ru_maxrss, "code": os.waitstatus_to_exitcode(status), "timed_out": bool(killed)}
    with open(result, "w", encoding="utf-8") as file:
        json.dump(done, file)


if __name__ == "__main__":
    main()
