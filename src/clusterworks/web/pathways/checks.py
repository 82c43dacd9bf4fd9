"""System checks of the pathways settings: a bad calendar file is reported when the server starts,
with the file, line, field and value of every problem, rather than on the first page that counts days."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def calendar_file(app_configs, **kwargs) -> list[Error]:
    path = settings.PATHWAYS_CALENDAR
    if not path:
        return []
    from clusterworks.analytics.pathways import PathwayError

    from .analysis import working_calendar

    try:
        working_calendar()
    except OSError as error:
        return [
            Error(
                f"PATHWAYS_CALENDAR: cannot read {path}: {error.strerror or error}",
                hint="Name a readable CSV file with the columns date, kind[, source], or unset it.",
                id="pathways.E001",
            )
        ]
    except PathwayError as error:
        problems = "; ".join(str(issue) for issue in getattr(error, "issues", ())) or str(error)
        return [
            Error(
                f"PATHWAYS_CALENDAR: {path} is not a valid calendar: {problems}",
                hint="Each row: date as YYYY-MM-DD, kind one of holiday, working_weekend, working.",
                id="pathways.E002",
            )
        ]
    return []
