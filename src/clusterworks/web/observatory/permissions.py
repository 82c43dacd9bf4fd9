"""Who may see and do what in the observatory (docs/observatory-guide.md, "Who sees what").

* The observatory's datasets are public statistics: everyone signed in sees every dataset, its maps,
  profiles, complexity views and downloads.
* Analysts and administrators import datasets and delete them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.permissions import Decision, allow, deny, is_authenticated, predicate
from clusterworks.web.core.roles import Role

NOT_SIGNED_IN = _("sign in first")


@predicate("observatory.view")
def can_view(user: Any, _dataset: Any = None) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    return allow(_("the observatory shows public statistics to everyone signed in"))


@predicate("observatory.manage")
def can_manage(user: Any, _dataset: Any = None) -> Decision:
    if not is_authenticated(user):
        return deny(NOT_SIGNED_IN)
    if user.has_role(Role.ANALYST) or user.is_platform_admin:
        return allow(_("analysts and administrators import and delete statistics datasets"))
    return deny(_("only analysts and administrators import and delete statistics datasets"))
