"""Every write and every state change of the case file.

A package because several roles share it; each module keeps one concern:
- ``lifecycle``: the state machine (the only place that assigns ``Case.status``), deadlines, assignment.
- ``determinations``: the frozen snapshot of a signed determination and its hash.
- ``letters``: letter rows, their rendering job and its bookkeeping.
- ``interchange``: importing ``imr-case/1`` documents (``case_import``, ``cases_import`` for a batch); the format
  itself is ``cases.interchange``. ``bulk``: its fast bulk inserts (COPY, history copied in the database).
- ``intake``: a new application with its worker and claim (the admin's one-page intake).
- ``demo``: the demo data of ``load_demo``.
"""
