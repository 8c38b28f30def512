"""Hooks other rooms listen to (sent after the transaction that caused them commits).

``determination_superseded(sender=Determination, old=<Determination>, new=<Determination>)``: a newer version of a
case's determination stands (a correction was signed, or an import replaced an imported one). Whatever indexes or
exports determinations (precedents, analytics) should drop ``old`` and use ``new``.
"""

from django.dispatch import Signal

determination_superseded = Signal()
