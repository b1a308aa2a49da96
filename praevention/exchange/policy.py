"""Who may export and import measures; views ask here, nowhere else decides.

Which measures an import may create or change is the measures' rule (`measures.policy`),
asked row by row by the import.
"""

from praevention.accounts.policy import Visitor, is_coordinator, is_network_member


def can_export(user: Visitor) -> bool:
    """The measure list leaves the application as CSV, XLSX or HSDS: every network member."""
    return is_network_member(user)


def can_import(user: Visitor) -> bool:
    """Imports write many measures at once: coordinators only."""
    return is_coordinator(user)
