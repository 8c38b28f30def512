"""The administrators' tool (DESIGN.md: intake, eligibility, assignment, deadlines, the guideline library,
letters). One module per area; importing them registers their ModelAdmins."""

from . import case, case_file, letters, library  # noqa: F401
