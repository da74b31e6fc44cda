"""Memory a stage let go of goes back to the system (glibc's ``malloc_trim``)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

# Blocks of about 1 KB come from the C allocator; one in ten stays, as survivors of a stage
# stay between the rows it let go of, so that the heap cannot merely shrink from its top.
_STAGE = """
import sys
from automation.heap import give_back

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20

blocks = [bytes(1000 + n % 7) for n in range(60_000)]
kept = blocks[::10]
del blocks
freed = resident_mb()
if sys.argv[1] == "give-back":
    give_back()
print(freed - resident_mb())
"""


def _returned_mb(how: str) -> float:
    done = subprocess.run([sys.executable, "-c", _STAGE, how], capture_output=True, text=True,
                          check=True)
    return float(done.stdout)


@pytest.mark.skipif(platform.system() != "Linux", reason="the memory of /proc/self/statm")
def test_memory_a_stage_let_go_of_goes_back_to_the_system() -> None:
    assert platform.libc_ver()[0] == "glibc"  # the C library of every machine we run on Linux
    assert _returned_mb("give-back") > 20  # of the 54 MB let go of
    assert _returned_mb("keep") < 5  # without it, the process keeps them
