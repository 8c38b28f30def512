"""The garbage collector of a web process, tuned once the application is loaded (``imrsite.wsgi``).

Rendering an admin page allocates hundreds of thousands of short-lived objects; with CPython's default thresholds
(700, 10, 10) that triggers a full (generation 2) collection every dozen requests or so, and a full collection walks
every object the process holds, Django, the admin, WeasyPrint and their caches included: 70-180 ms measured on the
case changelist, the spikes that made the pages' p95 two to three times their median (ADR 0007). So:

- ``gc.freeze()`` moves everything alive after start-up (modules, URL patterns, templates loaded so far) out of the
  collector's reach for good: those objects live as long as the process anyway;
- a higher first threshold lets a request's garbage go in fewer, still short, young collections, and the older
  generations are collected far less often. Reference cycles are still collected; memory stays bounded.
"""

import gc

# Young-generation allocations between collections, then how many young (and middle) collections before the next
# older one. CPython's defaults are (700, 10, 10).
THRESHOLDS = (50_000, 20, 100)


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
