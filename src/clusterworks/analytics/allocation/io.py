"""Money as text, and the rules of a call from a YAML file, with every problem located.

The only module of :mod:`clusterworks.analytics.allocation` that reads text. Amounts are written in
roubles with at most two decimals (``1500000``, ``1500000.50``, ``1 500 000,50``) and held as whole
kopecks. Problems are collected as :class:`RulesIssue` (line, field, value, what is allowed) so that a
caller can report them all at once.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .model import AllocationRules, SectorQuota

#: Kopecks per rouble: amounts in files are roubles with at most two decimals.
MINOR_PER_MAJOR = 100
AMOUNT_ALLOWED = "allowed: roubles with at most 2 decimals, such as 1500000 or 1500000.50"
SHARE_ALLOWED = "allowed: a share of the envelope from 0 to 1, such as 0.2, or a percentage such as 20%"
#: Keys of RULES.yaml.
RULE_KEYS = (
    "min_score",
    "cap_per_cluster",
    "cluster_caps",
    "sector_min",
    "sector_max",
    "sector_min_share",
    "sector_max_share",
)
_SPACES = re.compile(r"[\s\u00a0\u202f_']")
_AMOUNT = re.compile(r"(\d+)(?:\.(\d{1,2}))?")


def parse_amount(text: str) -> int | None:
    """Roubles as text to whole kopecks; None if it is not such an amount.

    Spaces, no-break spaces, underscores and apostrophes between digit groups are ignored; a comma is
    the decimal separator when there is no point.

    >>> parse_amount("1 500 000,5"), parse_amount("2500000000"), parse_amount("0.001")
    (150000050, 250000000000, None)
    """
    compact = _SPACES.sub("", text)
    if "," in compact and "." not in compact and compact.count(",") == 1:
        compact = compact.replace(",", ".")
    match = _AMOUNT.fullmatch(compact)
    if not match:
        return None
    whole, fraction = match.groups()
    return int(whole) * MINOR_PER_MAJOR + int((fraction or "0").ljust(2, "0"))


def amount_text(kopecks: int) -> str:
    """Whole kopecks as roubles with two decimals and no separators: ``'1500000.50'``."""
    sign = "-" if kopecks < 0 else ""
    major, minor = divmod(abs(kopecks), MINOR_PER_MAJOR)
    return f"{sign}{major}.{minor:02d}"


def parse_score(text: str) -> float | None:
    """A finite number of at least 0 (comma or point as decimal separator), else None."""
    try:
        value = float(text.replace(",", ".")) if text.count(",") <= 1 and "." not in text else float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


def parse_share(text: str) -> Fraction | None:
    """A share from 0 to 1 (``0.2``) or a percentage (``20%``) as an exact fraction, else None."""
    compact = text.strip().replace(",", ".")
    percent = compact.endswith("%")
    if percent:
        compact = compact[:-1].strip()
    try:
        value = Fraction(compact)
    except (ValueError, ZeroDivisionError):
        return None
    if percent:
        value /= 100
    return value if 0 <= value <= 1 else None


@dataclass(frozen=True)
class RulesIssue:
    """One problem in a rules file: line (1-based, None for the whole file), field, value, message."""

    line: int | None
    field: str
    value: str
    message: str


def _line(node: Any) -> int:
    return node.start_mark.line + 1


def _is_null(node: Any) -> bool:
    return node.tag == "tag:yaml.org,2002:null"


def read_rules_yaml(text: str) -> tuple[AllocationRules, list[RulesIssue]]:
    """The rules in a RULES.yaml text, and every problem found (the rules are only valid without).

    Keys (all optional): ``min_score``; ``cap_per_cluster`` (roubles, the default cap);
    ``cluster_caps`` (``{cluster: roubles or null}``, overrides; null lifts the cap); ``sector_min``,
    ``sector_max`` (``{sector: roubles}``); ``sector_min_share``, ``sector_max_share`` (``{sector:
    share of the envelope}``).

    >>> rules, issues = read_rules_yaml("min_score: 60\\ncap_per_cluster: 150000000\\n"
    ...                                 "sector_min_share: {pharma: 20%}\\n")
    >>> rules.min_score, rules.cluster_cap, rules.sector_quotas["pharma"].min_share, issues
    (60.0, 15000000000, Fraction(1, 5), [])
    >>> read_rules_yaml("min_score: high\\nlimit: 3\\n")[1][0].message
    "'high' is not a score; allowed: a number of at least 0"
    """
    import yaml

    issues: list[RulesIssue] = []
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        return AllocationRules(), [RulesIssue(line, "", "", f"is not valid YAML: {problem}")]
    if root is None:
        return AllocationRules(), []
    if not isinstance(root, yaml.MappingNode):
        return AllocationRules(), [
            RulesIssue(
                _line(root), "", "", f"must be a mapping of rules; allowed keys: {', '.join(RULE_KEYS)}"
            )
        ]

    min_score: float | None = None
    cluster_cap: int | None = None
    cluster_caps: dict[str, int | None] = {}
    quotas: dict[str, dict[str, Any]] = {}
    seen: dict[str, int] = {}

    def scalar(node: Any, field: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            issues.append(RulesIssue(_line(node), field, "", "must be a single value, not a list or mapping"))
            return None
        return str(node.value)

    def amount(node: Any, field: str) -> int | None:
        text_value = scalar(node, field)
        if text_value is None:
            return None
        value = parse_amount(text_value)
        if value is None:
            issues.append(
                RulesIssue(
                    _line(node), field, text_value, f"{text_value!r} is not an amount; {AMOUNT_ALLOWED}"
                )
            )
        return value

    def mapping(node: Any, field: str) -> list[tuple[str, Any]]:
        if not isinstance(node, yaml.MappingNode):
            issues.append(RulesIssue(_line(node), field, "", "must be a mapping {name: value}"))
            return []
        items = []
        names: dict[str, int] = {}
        for key_node, value_node in node.value:
            name = scalar(key_node, field)
            if name is None:
                continue
            if name in names:
                issues.append(
                    RulesIssue(
                        _line(key_node), f"{field}.{name}", name, f"given twice (also on line {names[name]})"
                    )
                )
                continue
            names[name] = _line(key_node)
            items.append((name, value_node))
        return items

    for key_node, value_node in root.value:
        key = scalar(key_node, "")
        if key is None:
            continue
        if key in seen:
            issues.append(RulesIssue(_line(key_node), key, key, f"given twice (also on line {seen[key]})"))
            continue
        seen[key] = _line(key_node)
        if key not in RULE_KEYS:
            issues.append(
                RulesIssue(
                    _line(key_node), key, key, f"unknown rule {key!r}; allowed: {', '.join(RULE_KEYS)}"
                )
            )
            continue
        if _is_null(value_node):
            continue
        if key == "min_score":
            text_value = scalar(value_node, key)
            if text_value is not None:
                min_score = parse_score(text_value)
                if min_score is None:
                    issues.append(
                        RulesIssue(
                            _line(value_node),
                            key,
                            text_value,
                            f"{text_value!r} is not a score; allowed: a number of at least 0",
                        )
                    )
        elif key == "cap_per_cluster":
            cluster_cap = amount(value_node, key)
        elif key == "cluster_caps":
            for name, node in mapping(value_node, key):
                cluster_caps[name] = None if _is_null(node) else amount(node, f"{key}.{name}")
        else:
            side, kind = ("min" if "min" in key else "max"), ("share" if key.endswith("share") else "amount")
            for name, node in mapping(value_node, key):
                field = f"{key}.{name}"
                if kind == "amount":
                    value = amount(node, field)
                else:
                    text_value = scalar(node, field)
                    value = None if text_value is None else parse_share(text_value)
                    if text_value is not None and value is None:
                        issues.append(
                            RulesIssue(
                                _line(node),
                                field,
                                text_value,
                                f"{text_value!r} is not a share; {SHARE_ALLOWED}",
                            )
                        )
                if value is not None:
                    quotas.setdefault(name, {})[f"{side}_{kind}"] = value

    rules = AllocationRules(
        min_score=min_score,
        cluster_cap=cluster_cap,
        cluster_caps=cluster_caps,
        sector_quotas={name: SectorQuota(**fields) for name, fields in quotas.items()},
    )
    return rules, issues
