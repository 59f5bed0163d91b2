#!/usr/bin/python3
"""Peer run for the APK benchmark: androguard's AnalyzeAPK (which builds the Analysis object with cross-references)
on each APK given, one after the other, printing the seconds each took."""
import logging
import sys
import time

from androguard.misc import AnalyzeAPK

logging.disable(logging.CRITICAL)
try:  # androguard 3.4 logs through loguru-free logging; newer versions use loguru
    from loguru import logger
    logger.remove()
except ImportError:
    pass

for path in sys.argv[1:]:
    t0 = time.perf_counter()
    a, d, dx = AnalyzeAPK(path)
    # AnalyzeAPK has already built the cross-references (create_xref) on the Analysis object.
    classes = sum(1 for _ in dx.get_classes())
    print(f"{path.rsplit('/', 1)[-1]}\t{time.perf_counter() - t0:.3f}\t{classes}", flush=True)
