"""The server's periodic work: exports, their index and daily roll-ups, retention of every kind of record,
the campaign's closed days and the hourly risky-venue packages. In-process in the embedded default, from cron
otherwise."""

from __future__ import annotations

from bluezone.authority import guessing, labs, self_reports
from bluezone.authority.codes import purge_codes
from bluezone.authority.followup import purge_declarations
from bluezone.authority.users import purge_sessions
from bluezone.campaign.activity import close_days
from bluezone.declarations import store as declarations
from bluezone.keyserver.exporter import ExportReport, cleanup, run_exports
from bluezone.keyserver.rollups import write_rollups
from bluezone.services.opening import Services
from bluezone.venues import registry as venues


def run_maintenance(svc: Services) -> ExportReport:
    now = svc.now()
    report = run_exports(svc.db, svc.settings, svc.secrets, svc.exports, now)
    cleanup(svc.db, svc.settings, svc.exports, now)
    write_rollups(svc.db, svc.settings, svc.secrets, svc.exports, now)
    with svc.db.session() as session:
        purge_codes(session, now - svc.settings.retention_days * 86_400)
        guessing.purge(session, now)
        labs.purge(session, now - svc.settings.lab_retention_days * 86_400)
        self_reports.purge(session, svc.settings, now)
        purge_declarations(session, now)
        purge_sessions(session, now)
        close_days(session, now)  # yesterday's activity into the campaign's snapshots, its receipts deleted
        venues.purge(session, svc.exports, now, svc.settings.retention_days)
        declarations.purge(session, now)
        venues.publish_packages(session, svc.secrets, svc.exports, region=svc.settings.region, now=now)
    svc.metrics.export_files.inc(len(report.files))
    return report
