"""A process's peak memory, for the benchmark rows.

`getrusage().ru_maxrss` is kept across `execve` on Linux: a scenario started by a fork of a runner
that already holds hundreds of MB reports the runner's size, not its own. The kernel's high-water
mark of the process's own address space (`VmHWM`, new at exec) does not carry over.
"""

from __future__ import annotations

import resource


def peak_mb() -> float:
    """The peak resident memory of this process so far, in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
