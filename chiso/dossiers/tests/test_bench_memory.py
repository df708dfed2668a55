"""The import benchmark's memory figure is the importing process's own peak, not its parent's: on Linux a
child's ru_maxrss starts from its spawner's high-water mark, which made a 0.5 GB import read as 1 GB."""

import sys

from bench.kpis_bench import run_measured


def test_the_peak_is_the_commands_own_whatever_its_parent_holds():
    ballast = b"x" * (300 << 20)  # the bench holds a lot after generating the CSV
    done, _took, small = run_measured([sys.executable, "-c", "pass"])
    assert done.returncode == 0
    assert small < 100, small
    done, _took, big = run_measured([sys.executable, "-c", "block = b'y' * (200 << 20)"])
    assert done.returncode == 0
    assert 200 <= big < 300, big
    assert len(ballast) == 300 << 20


def test_the_command_fails_as_it_would_alone():
    done, _took, _peak = run_measured([sys.executable, "-c", "import sys; print('lỗi', file=sys.stderr); sys.exit(3)"])
    assert done.returncode == 3 and "lỗi" in done.stderr
