"""Who may do what: console roles and the permissions each grants, and the kinds of API key."""

from __future__ import annotations

from enum import StrEnum


class KeyKind(StrEnum):
    ADMIN = "admin"  # a health department's systems: codes, follow-up, venues, campaign
    DEVICE = "device"  # the app: verify and certificate
    STATS = "stats"  # dashboards: statistics
    LAB = "lab"  # a lab's or testing site's systems: test results


class Permission(StrEnum):
    ISSUE_CODE = "issue_code"
    READ_QUEUE = "read_queue"  # the F1 follow-up queue and travellers' arrivals
    MANAGE_FACILITIES = "manage_facilities"  # health facilities and venues
    MANAGE_USERS = "manage_users"  # the realm's people and API keys
    READ_STATS = "read_stats"
    REPORT_UNITS = "report_units"  # the campaign: units' reports
    IMPORT_COUNTS = "import_counts"  # the campaign: carriers' and areas' install counts
    MANAGE_UNITS = "manage_units"  # the campaign: units and targets
    SEND_RESULTS = "send_results"  # a lab's staff: test results of their lab's samples
    SET_LEVELS = "set_levels"  # the province's and its communes' epidemic levels, shown on phones
    CONFIGURE_APP = "configure_app"  # the configuration phones follow: propose and approve (two people)


class Role(StrEnum):
    CASE_WORKER = "case_worker"  # issues codes, reads the follow-up queue
    REALM_ADMIN = "realm_admin"  # also facilities, users and API keys of the realm
    VIEWER = "viewer"  # statistics only
    SYSTEM_ADMIN = "system_admin"  # every realm
    CAMPAIGN_OFFICER = "campaign_officer"  # the installation campaign: units' reports
    LAB_STAFF = "lab_staff"  # sends their lab's test results


_CASEWORK = {Permission.ISSUE_CODE, Permission.READ_QUEUE}
_REALM = {
    *_CASEWORK,
    Permission.MANAGE_FACILITIES,
    Permission.MANAGE_USERS,
    Permission.READ_STATS,
    Permission.SET_LEVELS,
}
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASE_WORKER: frozenset(_CASEWORK),
    Role.REALM_ADMIN: frozenset({*_REALM, Permission.REPORT_UNITS, Permission.MANAGE_UNITS}),
    Role.VIEWER: frozenset({Permission.READ_STATS}),
    Role.CAMPAIGN_OFFICER: frozenset(
        {Permission.REPORT_UNITS, Permission.IMPORT_COUNTS, Permission.MANAGE_UNITS}
    ),
    Role.LAB_STAFF: frozenset({Permission.SEND_RESULTS}),
    Role.SYSTEM_ADMIN: frozenset(set(Permission) - {Permission.SEND_RESULTS}),  # results come from a lab only
}
GRANTABLE = (
    Role.CASE_WORKER,
    Role.REALM_ADMIN,
    Role.VIEWER,
    Role.LAB_STAFF,
)  # what a realm admin may give in their realm
# Those who hand out API keys and accounts sign in with a second factor (second_factor.py).
SECOND_FACTOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.REALM_ADMIN})
