"""The PHI access log: who opened which case."""

from ..models import CaseAccess


def case_access_record(*, case, user, path: str) -> CaseAccess:
    return CaseAccess.objects.create(case=case, user=user, path=path[:300])
