"""The canonical figure keys of the 2021 form, written out here from DESIGN.md.

Not taken from `nianbao/forms`: a test that compares the profile's figures with these fails when
the form spec maps a cell to the wrong key, which a list derived from the spec could not show.
"""

from __future__ import annotations

APPLICANTS = [
    "natural_person",
    "commercial",
    "research",
    "public_interest",
    "legal_service",
    "other_org",
    "total",
]
APPLICATION_ROWS = [
    "new_received", "carried_over", "granted", "partially_granted",
    "refused_state_secret", "refused_prohibited_by_law", "refused_security_stability",
    "refused_third_party_rights", "refused_internal_affairs", "refused_process_info",
    "refused_enforcement_files", "refused_administrative_inquiry",
    "unable_not_held", "unable_needs_creation", "unable_unclear",
    "not_processed_complaint", "not_processed_duplicate", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation",
    "other_overdue_correction", "other_overdue_fee", "other_other",
    "total_handled", "carried_forward",
]  # fmt: skip
REVIEW = [f"{group}.{part}" for group in ("review", "litigation_direct", "litigation_after_review")
          for part in ("upheld", "corrected", "other", "pending", "total")]  # fmt: skip
PROACTIVE = [
    "proactive.regulations.issued", "proactive.regulations.repealed",
    "proactive.regulations.in_force", "proactive.normative_documents.issued",
    "proactive.normative_documents.repealed", "proactive.normative_documents.in_force",
    "proactive.licensing.decisions", "proactive.penalty.decisions",
    "proactive.coercion.decisions", "proactive.fees.amount",
]  # fmt: skip

KEYS_2021: frozenset[str] = frozenset(
    [
        *PROACTIVE,
        *(f"applications.{row}.{col}" for row in APPLICATION_ROWS for col in APPLICANTS),
        *REVIEW,
    ]
)
