"""Validate whole import files against the database and work out, row by row, what would change.

Every problem is collected as an :class:`ImportIssue` (nothing stops at the first). The database is read
in a few queries per kind of row, whatever the number of rows: the existing rows with the keys of the file
(one query; chunked only past the database's limit of query parameters), their many-to-many links, and
the holders of the file's INNs and OGRNs. Nothing here writes; :mod:`.writing` carries the plan out.
"""

from __future__ import annotations

import difflib
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from clusterworks.web.core.permissions import Decision, check

from ..models import Cluster, Competence, Membership, MembershipRole, Organisation, Region
from .columns import CLUSTERS, KINDS, MEMBERSHIPS, ORGANISATIONS, SPECS, EntitySpec, read_cell
from .errors import CellError, ImportIssue, quote
from .tables import Table

Progress = Callable[[str, int, int], None]
UNKNOWN_REGIONS = gettext_noop("unknown region(s) %(codes)s; allowed: %(examples)s")
UNKNOWN_COMPETENCES = gettext_noop("unknown competence code(s) %(codes)s; allowed: %(examples)s")


# ------------------------------------------------------------------------------------------ the plan


@dataclass
class ParsedRow:
    file: str
    line: int
    values: dict[str, Any]  # column -> value read, for the columns the file has and that were readable
    raw: dict[str, str]
    bad: set[str] = field(default_factory=set)  # columns whose cell had an error


@dataclass
class PlannedRow:
    """What one row of a file does: create, update or leave unchanged one row of the register."""

    kind: str
    key: Hashable
    file: str
    line: int
    action: str  # "create" | "update" | "unchanged"
    values: dict[str, Any]
    changes: dict[str, list[Any]]  # field -> [old, new], audit-log style
    instance: Any = None  # the existing row, for updates

    @property
    def label(self) -> str:
        return "/".join(self.key) if isinstance(self.key, tuple) else str(self.key)


@dataclass
class Plan:
    rows: dict[str, list[PlannedRow]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    issues: list[ImportIssue] = field(default_factory=list)
    competence_ids: dict[str, int] = field(default_factory=dict)
    kinds: list[str] = field(default_factory=list)  # kinds present in the import


class Context:
    """What the planners share: the actor, reference data, issues, and the rows planned so far."""

    def __init__(self, *, actor: Any, progress: Progress | None):
        self.actor = actor
        self.progress = progress or (lambda phase, done, total: None)
        self.issues: list[ImportIssue] = []
        self.regions: set[str] = set(Region.objects.values_list("code", flat=True))
        self.competence_ids: dict[str, int] = dict(Competence.objects.values_list("code", "pk"))
        self.competence_codes = {pk: code for code, pk in self.competence_ids.items()}
        self.bundle_keys: dict[str, set[Hashable]] = {kind: set() for kind in KINDS}
        self.existing: dict[str, dict[Hashable, Any]] = {kind: {} for kind in KINDS}
        self._decisions: dict[tuple, Decision] = {}

    def issue(self, file: str, line: int | None, column: str, value: Any, message: str) -> None:
        self.issues.append(ImportIssue(file, line, column, "" if value is None else str(value), message))

    def allowed(self, action: str, obj: Any = None, *, cache_key: Hashable = None) -> Decision:
        if cache_key is None:
            return check(self.actor, action, obj)
        key = (action, cache_key)
        if key not in self._decisions:
            self._decisions[key] = check(self.actor, action, obj)
        return self._decisions[key]


def _max_parameters() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - 10
        except (AttributeError, sqlite3.Error):
            return 990
    return 30_000


def chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    """``values`` in lists small enough for one ``IN (...)``: one list, unless there are tens of thousands."""
    values = list(values)
    size = max(1, _max_parameters())
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fetch_in(queryset: Any, lookup: str, values: Iterable[Any]) -> list[Any]:
    found: list[Any] = []
    for chunk in chunks(values):
        found.extend(queryset.filter(**{f"{lookup}__in": chunk}))
    return found


def suggest(value: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(candidates), n=3, cutoff=0.6)
    if not close:
        return ""
    return " " + _("(did you mean %(choices)s?)") % {"choices": ", ".join(quote(c) for c in close)}


def elsewhere(other: ParsedRow, row: ParsedRow) -> str:
    """Where ``other`` is, said from ``row``: "line 2", or "line 2 of b.csv" in another file."""
    if other.file == row.file:
        return _("line %(line)d") % {"line": other.line}
    return _("line %(line)d of %(file)s") % {"line": other.line, "file": other.file}


def plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


# ------------------------------------------------------------------------------------- reading rows


def parse_table(
    spec: EntitySpec, table: Table, ctx: Context, *, done: int = 0, total: int = 0
) -> tuple[list[ParsedRow], set[str]]:
    """Check the header, then read every cell; return the rows and the set of columns the file has."""
    names = [h.strip().lower() for h in table.header]
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            if any(index < len(cells) and cells[index] for _, cells in table.rows):
                ctx.issue(
                    table.name,
                    table.header_line,
                    _("column %(number)d") % {"number": index + 1},
                    "",
                    _("this column has no name"),
                )
            continue
        if name not in spec.names:
            ctx.issue(
                table.name,
                table.header_line,
                name,
                table.header[index],
                _("unknown column %(column)s%(suggestion)s; allowed: %(allowed)s")
                % {
                    "column": quote(table.header[index]),
                    "suggestion": suggest(name, spec.names),
                    "allowed": ", ".join(spec.names),
                },
            )
        elif name in positions:
            ctx.issue(
                table.name,
                table.header_line,
                name,
                name,
                _("column %(column)s appears twice") % {"column": quote(name)},
            )
        else:
            positions[name] = index
    for column in spec.columns:
        if column.required and column.name not in positions:
            ctx.issue(
                table.name,
                table.header_line,
                column.name,
                "",
                _("required column %(column)s is missing") % {"column": quote(column.name)},
            )
    if spec.one_of and not any(name in positions for name in spec.one_of):
        ctx.issue(
            table.name,
            table.header_line,
            "/".join(spec.one_of),
            "",
            _("the file needs at least one of the columns %(columns)s") % {"columns": ", ".join(spec.one_of)},
        )

    readers = [(name, index, spec.column(name)) for name, index in positions.items()]
    rows = []
    for count, (line, cells) in enumerate(table.rows):
        if count % 1000 == 0:
            ctx.progress("validate", done + count, total)
        if len(cells) > len(names) and any(cells[len(names) :]):
            ctx.issue(
                table.name,
                line,
                "",
                "",
                _(
                    "the row has %(values)d values but the header has %(columns)d columns "
                    "(is a value with the delimiter %(delimiter)s not in quotes?)"
                )
                % {"values": len(cells), "columns": len(names), "delimiter": quote(table.delimiter or ",")},
            )
            continue
        row = ParsedRow(table.name, line, {}, {})
        for name, index, column in readers:
            raw = cells[index] if index < len(cells) else ""
            row.raw[name] = raw
            try:
                row.values[name] = read_cell(spec, column, raw)
            except CellError as exc:
                ctx.issue(table.name, line, name, raw, exc.message)
                row.bad.add(name)
        rows.append(row)
    return rows, set(positions)


# ---------------------------------------------------------------------------------------- planners


class Planner:
    """Plans the rows of one kind. Subclasses say how rows are keyed, loaded, checked and permitted."""

    spec: EntitySpec
    key_column = "key"

    def __init__(self, ctx: Context):
        self.ctx = ctx

    # --- hooks
    def row_key(self, row: ParsedRow) -> Hashable | None:
        return row.values.get("key") or None

    def load(self, keys: list[Hashable]) -> dict[Hashable, Any]:
        raise NotImplementedError

    def current(self, instance: Any) -> dict[str, Any]:
        raise NotImplementedError

    def check(self, row: ParsedRow, final: dict[str, Any], instance: Any) -> None:
        """Rules on the row's final state (the existing values overridden by the file's)."""

    def permission(self, action: str, instance: Any, row: ParsedRow) -> tuple[Decision, str]:
        raise NotImplementedError

    def across(self, planned: list[tuple[ParsedRow, PlannedRow]]) -> None:
        """Rules across rows (uniqueness, one coordinator)."""

    def audit_name(self, column: str) -> str:
        return column

    # --- the common part
    def empty(self) -> dict[str, Any]:
        return {c.name: read_cell(self.spec, c, "") for c in self.spec.columns}

    def plan(self, parsed: list[ParsedRow], done: int, total: int) -> list[PlannedRow]:
        ctx, kind = self.ctx, self.spec.kind
        first_seen: dict[Hashable, ParsedRow] = {}
        keyed: list[tuple[Hashable, ParsedRow]] = []
        for row in parsed:
            key = self.row_key(row)
            if key is None:
                if self.key_column in row.values:  # an empty key (a bad one is reported already)
                    ctx.issue(
                        row.file,
                        row.line,
                        self.key_column,
                        "",
                        _("%(column)s is required") % {"column": self.key_column},
                    )
                continue
            if key in first_seen:
                label = "/".join(key) if isinstance(key, tuple) else key
                ctx.issue(
                    row.file,
                    row.line,
                    self.key_column,
                    label,
                    _("duplicate key %(key)s: also on %(where)s")
                    % {"key": quote(label), "where": elsewhere(first_seen[key], row)},
                )
                continue
            first_seen[key] = row
            keyed.append((key, row))
        ctx.bundle_keys[kind].update(first_seen)

        existing = self.load([key for key, _ in keyed])
        ctx.existing[kind] = existing
        empty = self.empty()
        planned_pairs: list[tuple[ParsedRow, PlannedRow]] = []
        for index, (key, row) in enumerate(keyed):
            if index % 500 == 0:
                ctx.progress("validate", done + index, total)
            instance = existing.get(key)
            before = self.current(instance) if instance is not None else empty
            given = {k: v for k, v in row.values.items() if k not in row.bad}
            final = {**before, **given}
            self.check(row, final, instance)
            if instance is None:
                action = "create"
                changes = {
                    self.audit_name(k): [None, plain(v)] for k, v in given.items() if v not in ("", None, ())
                }
            else:
                changes = {
                    self.audit_name(k): [plain(before[k]), plain(v)]
                    for k, v in given.items()
                    if before[k] != v
                }
                action = "update" if changes else "unchanged"
            if action != "unchanged":
                decision, refusal = self.permission(action, instance, row)
                if not decision:
                    label = "/".join(key) if isinstance(key, tuple) else key
                    ctx.issue(
                        row.file,
                        row.line,
                        self.key_column,
                        row.raw.get(self.key_column, ""),
                        refusal
                        % {
                            "key": quote(label),
                            "cluster": quote(label.split("/")[0]),
                            "reason": decision.reason,
                        },
                    )
            planned = PlannedRow(kind, key, row.file, row.line, action, given, changes, instance)
            planned_pairs.append((row, planned))
        self.across(planned_pairs)
        return [p for _, p in planned_pairs]

    # --- shared checks
    def require_value(self, row: ParsedRow, final: dict[str, Any], column: str) -> None:
        """An empty required value. A column missing from the header is reported once, on line 1."""
        if column in row.raw and column not in row.bad and final.get(column) in ("", None, ()):
            self.ctx.issue(
                row.file, row.line, column, row.raw[column], _("%(column)s is required") % {"column": column}
            )

    def require_name(self, row: ParsedRow, final: dict[str, Any]) -> None:
        columns = self.spec.one_of
        if not any(n in row.raw for n in columns) or any(n in row.bad for n in columns):
            return
        if not any(final.get(n) for n in columns):
            self.ctx.issue(
                row.file,
                row.line,
                "/".join(self.spec.one_of),
                "",
                _("a name is required: fill in %(first)s or %(second)s")
                % {"first": self.spec.one_of[0], "second": self.spec.one_of[1]},
            )

    def check_codes(
        self, row: ParsedRow, column: str, known: Iterable[str], message: str, examples: str
    ) -> None:
        """Report unknown codes in a list cell; ``message`` has the placeholders codes and examples."""
        codes = row.values.get(column) or ()
        unknown = [c for c in codes if c not in known]
        if unknown and column not in row.bad:
            listed = ", ".join(quote(c) + suggest(c, known) for c in unknown)
            self.ctx.issue(
                row.file,
                row.line,
                column,
                row.raw.get(column, ""),
                _(message) % {"codes": listed, "examples": examples},
            )
            row.bad.add(column)

    def check_order(self, row: ParsedRow, final: dict[str, Any], first: str, second: str) -> None:
        if final.get(first) and final.get(second) and final[second] < final[first] and second not in row.bad:
            self.ctx.issue(
                row.file,
                row.line,
                second,
                row.raw.get(second, plain(final[second])),
                _("%(second)s (%(second_value)s) is before %(first)s (%(first_value)s)")
                % {
                    "second": second,
                    "second_value": plain(final[second]),
                    "first": first,
                    "first_value": plain(final[first]),
                },
            )

    def region_examples(self) -> str:
        sample = sorted(self.ctx.regions)[:4]
        return _("ISO 3166-2 codes of the regions in the registry, e.g. %(examples)s") % {
            "examples": ", ".join(sample)
        }

    def competence_examples(self) -> str:
        sample = sorted(self.ctx.competence_ids)[:4]
        return _("codes of the competence vocabulary, e.g. %(examples)s") % {"examples": ", ".join(sample)}


class OrganisationPlanner(Planner):
    spec = ORGANISATIONS

    def load(self, keys: list[Hashable]) -> dict[Hashable, Any]:
        found = {o.key: o for o in fetch_in(Organisation.objects.all(), "key", keys)}
        self.competences: dict[int, tuple[str, ...]] = defaultdict(tuple)
        through = Organisation.competences.through
        links: dict[int, list[str]] = defaultdict(list)
        for org_id, competence_id in fetch_in(
            through.objects.values_list("organisation_id", "competence_id"),
            "organisation_id",
            [o.pk for o in found.values()],
        ):
            links[org_id].append(self.ctx.competence_codes[competence_id])
        self.competences.update({org_id: tuple(sorted(codes)) for org_id, codes in links.items()})
        return found

    def current(self, instance: Organisation) -> dict[str, Any]:
        values = {
            c.name: getattr(instance, c.name)
            for c in self.spec.columns
            if c.name not in {"region", "competences"}
        }
        values["region"] = instance.region_id or ""
        values["competences"] = self.competences[instance.pk]
        return values

    def audit_name(self, column: str) -> str:
        return "region_id" if column == "region" else column

    def check(self, row: ParsedRow, final: dict[str, Any], instance: Any) -> None:
        self.require_value(row, final, "type")
        self.require_name(row, final)
        region = row.values.get("region")
        if region and "region" not in row.bad and region not in self.ctx.regions:
            self.ctx.issue(
                row.file,
                row.line,
                "region",
                row.raw["region"],
                _("%(value)s is not a region in the registry%(suggestion)s; allowed: %(examples)s")
                % {
                    "value": quote(row.raw["region"]),
                    "suggestion": suggest(region, self.ctx.regions),
                    "examples": self.region_examples(),
                },
            )
        self.check_codes(
            row, "competences", self.ctx.competence_ids, UNKNOWN_COMPETENCES, self.competence_examples()
        )

    def permission(self, action: str, instance: Any, row: ParsedRow) -> tuple[Decision, str]:
        if action == "create":
            decision = self.ctx.allowed("organisation.create", cache_key="create")
            return decision, _("you may not create organisations: %(reason)s")
        decision = self.ctx.allowed("organisation.change", instance)
        return decision, _("you may not change organisation %(key)s: %(reason)s")

    def across(self, planned: list[tuple[ParsedRow, PlannedRow]]) -> None:
        """INN and OGRN are unique across the file and the database (each in its final state)."""
        for column, label in (("inn", _("INN")), ("ogrn", _("OGRN"))):
            stated = {p.key: p.values[column] for _, p in planned if column in p.values}
            given = {key: number for key, number in stated.items() if number}
            if not given:
                continue
            holders = {
                number: key
                for key, number in fetch_in(
                    Organisation.objects.values_list("key", column), column, set(given.values())
                )
            }
            first: dict[str, ParsedRow] = {}
            for row, p in planned:
                number = given.get(p.key)
                if not number:
                    continue
                if number in first:
                    other = first[number]
                    self.ctx.issue(
                        row.file,
                        row.line,
                        column,
                        number,
                        _("%(label)s %(number)s is also given to %(key)s on %(where)s")
                        % {
                            "label": label,
                            "number": number,
                            "key": quote(other.values["key"]),
                            "where": elsewhere(other, row),
                        },
                    )
                    continue
                first[number] = row
                holder = holders.get(number)
                moves_away = holder in stated and stated[holder] != number
                if holder is not None and holder != p.key and not moves_away:
                    self.ctx.issue(
                        row.file,
                        row.line,
                        column,
                        number,
                        _("%(label)s %(number)s already belongs to organisation %(key)s in the registry")
                        % {"label": label, "number": number, "key": quote(holder)},
                    )


class ClusterPlanner(Planner):
    spec = CLUSTERS

    def load(self, keys: list[Hashable]) -> dict[Hashable, Any]:
        found = {c.key: c for c in fetch_in(Cluster.objects.all(), "key", keys)}
        ids = [c.pk for c in found.values()]
        self.links: dict[str, dict[int, tuple[str, ...]]] = {}
        for name, target, convert in (
            ("regions", "region_id", lambda v: v),
            ("specialisations", "competence_id", lambda v: self.ctx.competence_codes[v]),
        ):
            through = getattr(Cluster, name).through
            links: dict[int, list[str]] = defaultdict(list)
            for cluster_id, value in fetch_in(
                through.objects.values_list("cluster_id", target), "cluster_id", ids
            ):
                links[cluster_id].append(convert(value))
            self.links[name] = defaultdict(tuple, {k: tuple(sorted(v)) for k, v in links.items()})
        return found

    def current(self, instance: Cluster) -> dict[str, Any]:
        values = {
            c.name: getattr(instance, c.name)
            for c in self.spec.columns
            if c.name not in {"regions", "specialisations"}
        }
        values["regions"] = self.links["regions"][instance.pk]
        values["specialisations"] = self.links["specialisations"][instance.pk]
        return values

    def check(self, row: ParsedRow, final: dict[str, Any], instance: Any) -> None:
        self.require_value(row, final, "status")
        self.require_name(row, final)
        self.check_codes(row, "regions", self.ctx.regions, UNKNOWN_REGIONS, self.region_examples())
        self.check_codes(
            row, "specialisations", self.ctx.competence_ids, UNKNOWN_COMPETENCES, self.competence_examples()
        )
        self.require_value(row, final, "regions")
        self.check_order(row, final, "founded", "ended")

    def permission(self, action: str, instance: Any, row: ParsedRow) -> tuple[Decision, str]:
        # Importing clusters is for those who may register clusters (platform administrators); cluster
        # managers edit their own cluster's profile on its page.
        if action == "create":
            refusal = _("you may not create clusters: %(reason)s")
        else:
            refusal = _("you may not change cluster %(key)s by import: %(reason)s")
        return self.ctx.allowed("cluster.create", cache_key="create"), refusal


class MembershipPlanner(Planner):
    spec = MEMBERSHIPS
    key_column = "cluster"
    unknown_keys = 0

    def row_key(self, row: ParsedRow) -> Hashable | None:
        cluster, organisation = row.values.get("cluster"), row.values.get("organisation")
        if not cluster or not organisation:
            for column in ("cluster", "organisation"):
                if column in row.values and not row.values[column]:
                    self.ctx.issue(
                        row.file, row.line, column, "", _("%(column)s is required") % {"column": column}
                    )
            return None
        return (cluster, organisation)

    def load(self, keys: list[Hashable]) -> dict[Hashable, Any]:
        ctx = self.ctx
        cluster_keys = {c for c, _ in keys} - set(ctx.existing["clusters"])
        self.clusters: dict[str, Cluster] = dict(ctx.existing["clusters"])
        self.clusters.update({c.key: c for c in fetch_in(Cluster.objects.all(), "key", cluster_keys)})
        known = set(ctx.existing["organisations"])
        wanted = {o for _, o in keys} - known
        self.organisations: set[str] = known | set(
            fetch_in(Organisation.objects.values_list("key", flat=True), "key", wanted)
        )
        self.members: dict[str, list[Membership]] = defaultdict(list)
        found = {}
        for membership in fetch_in(
            Membership.objects.select_related("cluster", "organisation"),
            "cluster_id",
            [c.pk for c in self.clusters.values()],
        ):
            self.members[membership.cluster.key].append(membership)
            found[(membership.cluster.key, membership.organisation.key)] = membership
        return found

    def current(self, instance: Membership) -> dict[str, Any]:
        return {
            "cluster": instance.cluster.key,
            "organisation": instance.organisation.key,
            "role": instance.role,
            "joined": instance.joined,
            "left": instance.left,
        }

    def check(self, row: ParsedRow, final: dict[str, Any], instance: Any) -> None:
        for column, kind, message in (
            (
                "cluster",
                "clusters",
                _("there is no cluster with the key %(key)s in the registry or in this import"),
            ),
            (
                "organisation",
                "organisations",
                _("there is no organisation with the key %(key)s in the registry or in this import"),
            ),
        ):
            key = row.values[column]
            known = self.clusters if kind == "clusters" else self.organisations
            if key not in known and key not in self.ctx.bundle_keys[kind]:
                # suggestions compare with every known key: offered for the first few unknown keys only
                self.unknown_keys += 1
                hint = suggest(key, [*known, *self.ctx.bundle_keys[kind]]) if self.unknown_keys <= 20 else ""
                self.ctx.issue(row.file, row.line, column, key, message % {"key": quote(key)} + hint)
                row.bad.add(column)
        self.require_value(row, final, "role")
        self.check_order(row, final, "joined", "left")

    def permission(self, action: str, instance: Any, row: ParsedRow) -> tuple[Decision, str]:
        key = row.values["cluster"]
        cluster = self.clusters.get(key) or Cluster(key=key)
        refusal = _("you may not change the members of cluster %(cluster)s: %(reason)s")
        return self.ctx.allowed("membership.manage", cluster, cache_key=key), refusal

    def across(self, planned: list[tuple[ParsedRow, PlannedRow]]) -> None:
        """At most one current coordinator (no left date) per cluster, counting members not in the file."""
        final: dict[str, dict[str, tuple[str, Any, ParsedRow | None]]] = defaultdict(dict)
        for key, memberships in self.members.items():
            for m in memberships:
                final[key][m.organisation.key] = (m.role, m.left, None)
        for row, p in planned:
            cluster, organisation = p.key
            role, left, _row = final[cluster].get(organisation, (MembershipRole.MEMBER, None, None))
            final[cluster][organisation] = (p.values.get("role", role), p.values.get("left", left), row)
        for cluster, members in final.items():
            coordinators = [
                (org, row)
                for org, (role, left, row) in members.items()
                if role == "coordinator" and left is None
            ]
            if len(coordinators) < 2:
                continue
            names = ", ".join(
                quote(org)
                + " "
                + (_("(line %(line)d)") % {"line": row.line} if row else _("(in the registry)"))
                for org, row in coordinators
            )
            for _org, row in coordinators:
                if row is not None:
                    self.ctx.issue(
                        row.file,
                        row.line,
                        "role",
                        "coordinator",
                        _(
                            "cluster %(cluster)s would have %(count)d current coordinators: %(names)s; "
                            "allowed: at most one (give the others another role, or a left date)"
                        )
                        % {"cluster": quote(cluster), "count": len(coordinators), "names": names},
                    )


PLANNERS: dict[str, type[Planner]] = {
    "organisations": OrganisationPlanner,
    "clusters": ClusterPlanner,
    "memberships": MembershipPlanner,
}


def make_plan(tables: list[tuple[Table, str]], *, actor: Any, progress: Progress | None = None) -> Plan:
    """Validate ``tables`` (each with its kind) in dependency order and plan every row."""
    ctx = Context(actor=actor, progress=progress)
    plan = Plan(competence_ids=ctx.competence_ids)
    parsed: dict[str, list[ParsedRow]] = {kind: [] for kind in KINDS}
    order = {table.name: index for index, (table, _) in enumerate(tables)}
    # progress counts each row twice: once read, once planned
    total = 2 * sum(len(table.rows) for table, _ in tables)
    done = 0
    for table, kind in tables:
        rows, _columns = parse_table(SPECS[kind], table, ctx, done=done, total=total)
        parsed[kind].extend(rows)
        done += len(table.rows)
    for kind in KINDS:  # organisations and clusters before the memberships that refer to them
        if any(k == kind for _, k in tables):
            plan.kinds.append(kind)
        if parsed[kind]:
            plan.rows[kind] = PLANNERS[kind](ctx).plan(parsed[kind], done, total)
            done += len(parsed[kind])
    ctx.progress("validate", total, total)
    plan.issues = sorted(ctx.issues, key=lambda i: (order.get(i.file, -1), i.line or 0))
    return plan
