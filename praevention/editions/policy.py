"""Who may freeze, withdraw and read report editions; views ask here, nowhere else decides."""

from praevention.accounts.policy import Visitor, is_coordinator, is_network_member
from praevention.overview import policy as overview_policy


def can_view(user: Visitor) -> bool:
    """Every member of the network reads the editions (as the live report)."""
    return is_network_member(user)


def can_freeze(user: Visitor) -> bool:
    """Writing the report down for a committee is the coordinators' job."""
    return is_coordinator(user)


def can_withdraw(user: Visitor) -> bool:
    """Withdrawing an edition, too (it stays kept and marked)."""
    return can_freeze(user)


def can_download_xlsx(user: Visitor) -> bool:
    """The spreadsheet leaves the application: as for the live report, coordinators only."""
    return overview_policy.can_export_report(user)
