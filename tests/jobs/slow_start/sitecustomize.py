"""On PYTHONPATH in one test only: every process that multiprocessing spawns (the server's worker processes)
takes 5 s longer to start, as on a loaded machine; the parent starts as usual."""

import sys
import time

if "--multiprocessing-fork" in sys.argv:
    time.sleep(5)
