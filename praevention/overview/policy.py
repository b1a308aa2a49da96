"""Who may see and export the overviews; views ask here, nowhere else decides."""

from praevention.accounts.policy import Visitor, is_coordinator, is_network_member


def can_view_overview(user: Visitor) -> bool:
    """Overlaps, gaps and the report are for every member of the network."""
    return is_network_member(user)


def can_export_report(user: Visitor) -> bool:
    """The spreadsheet leaves the application: coordinators only."""
    return is_coordinator(user)
