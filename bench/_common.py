"""What every bench script prints about the machine it ran on."""
from __future__ import annotations

import os
import platform


def machine() -> str:
    """Platform, CPU model, cores (and how many this process may use), Python version."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu)
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{platform.platform()}; {cpu}; {os.cpu_count()} cores, {usable} usable by this process; "
            f"Python {platform.python_version()}")


def load_average() -> str:
    """The 1/5/15-minute load average, or "?" where the system has none."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"
