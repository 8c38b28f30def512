"""The case-assignment room: which reviewers may take a case, and why (DOMAIN.md section 4, rules 4-6).

``rules`` holds one function per matching rule, ``conflicts`` how a declared affiliation is compared with the parties,
``matching`` measures reviewers against a case and ranks them. The lifecycle's assignment service
(``cases.services.lifecycle.case_assign_reviewer``) and the admin's suggestions read ``matching``.
"""
