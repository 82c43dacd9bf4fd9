"""Forms of the survey management pages. They parse and check input; the services in ``surveys`` and
``responses_io`` make the change (and check the permission and the workflow rules again)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.widgets import FastWidgetsMixin
from clusterworks.web.registry.models import key_validator

from .models import NUMERIC_KINDS, Item, Question, QuestionKind, Round, RoundStatus, Survey, SurveyStatus
from .surveys import ANALYSIS_FIELDS, KIND_FIELDS, MIN_ITEMS, free_item_key, survey_clusters

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
KEY_HELP = _("Lower-case Latin letters, digits, '.', '_' and '-'; it names the question in exported files.")


class PlainConstraintsMixin:
    """A model form whose model's constraints (a title in one language, a unique key per survey) are
    checked by the form's own ``clean`` and :meth:`check_constraints` with messages that say what to do,
    instead of Django's generic "Constraint ... is violated"."""

    def _post_clean(self):
        try:
            self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            self._update_errors(error)
        if self._validate_unique:
            self.validate_unique()
        self.check_constraints()

    def check_constraints(self) -> None:
        pass


def _needs_a_title(form: forms.Form, cleaned: dict[str, Any], message: Any) -> None:
    if not cleaned.get("title_en") and not cleaned.get("title_ru") and "title_en" not in form.errors:
        form.add_error("title_en", message)


# --- surveys -------------------------------------------------------------------------------------------


class SurveyForm(PlainConstraintsMixin, FastWidgetsMixin, forms.ModelForm):
    """Create or change a survey: its cluster (one the user manages), key, titles, descriptions and rules."""

    class Meta:
        model = Survey
        fields = [
            "cluster", "key", "title_en", "title_ru", "description_en", "description_ru",
            "agreement_band", "consensus_iqr", "consensus_agreement", "stability_p", "max_cv_change",
            "stopping_rule",
        ]  # fmt: skip
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "description_ru": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "key": _(
                "Lower-case Latin letters, digits, '.', '_' and '-'; it names the survey in addresses "
                "and files."
            ),
            "consensus_iqr": _(
                "An item reaches consensus when the interquartile range of its answers is at most this "
                "(1 on a 5- or 7-point scale, 2 on a 9-point one) ..."
            ),
            "consensus_agreement": _(
                "... and at least this share of the answers is within the agreement band of the median "
                "(0.75: three answers in four)."
            ),
            "stability_p": _(
                "Answers are stable when the Wilcoxon test finds no significant change from the previous "
                "round (p at least this) ..."
            ),
            "max_cv_change": _(
                "... and their coefficient of variation changed by at most this share of its previous value "
                "(0.15: 15 per cent)."
            ),
        }

    def __init__(self, *args, user: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = survey_clusters(user=user)
        self.fields["cluster"].empty_label = None
        for name in ("agreement_band", "consensus_iqr", "consensus_agreement", "stability_p"):
            self.fields[name].widget.attrs["step"] = "any"
        if self.instance.pk:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = _(
                "The key identifies the survey in addresses and files and cannot change."
            )
            if self.instance.status != SurveyStatus.DRAFT:
                self.fields["cluster"].disabled = True
                self.fields["cluster"].help_text = _("A survey that has started stays with its cluster.")

    def clean(self):
        cleaned = super().clean()
        _needs_a_title(self, cleaned, _("Give the survey's title in English, in Russian or both."))
        p = cleaned.get("stability_p")
        if p is not None and not 0 < p < 1 and "stability_p" not in self.errors:
            self.add_error("stability_p", _("The significance level must be between 0 and 1, e.g. 0.05."))
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "cluster"}
        if self.instance.pk:
            data.pop("key", None)
        return data


# --- questions and items -----------------------------------------------------------------------------

COMMON_QUESTION_FIELDS = (
    "key",
    "title_en",
    "title_ru",
    "help_en",
    "help_ru",
    "first_round",
    "last_round",
    "allow_comments",
)
ITEMS_HELP = _(
    "One item per line: the title in English, and after a '|' the title in Russian; a key may come first "
    "(key | English | Russian), else it is made from the title. E.g. “telemedicine | Telemedicine "
    "platforms | Платформы телемедицины”."
)


def parse_items(text: str, *, taken: set[str] | None = None) -> list[dict[str, str]]:
    """The items typed one per line (``English``, ``English | Russian`` or ``key | English | Russian``),
    with keys made from the titles where none is given; a ValidationError lists every bad line."""
    items, errors = [], []
    keys = set(taken or ())
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            errors.append(
                _("Line %(n)d has %(count)d parts; allowed: key | English | Russian.")
                % {"n": number, "count": len(parts)}
            )
            continue
        if len(parts) == 3:
            key, english, russian = parts
        elif len(parts) == 2:
            key, english, russian = "", parts[0], parts[1]
        else:
            key, english, russian = "", parts[0], ""
        if not english and not russian:
            errors.append(_("Line %(n)d has no title.") % {"n": number})
            continue
        if key:
            try:
                key_validator(key)
            except ValidationError:
                errors.append(
                    _(
                        "Line %(n)d: the key “%(key)s” may hold only lower-case Latin letters, digits, "
                        "'.', '_' and '-'."
                    )
                    % {"n": number, "key": key}
                )
                continue
            if key in keys:
                errors.append(_("Line %(n)d: the key “%(key)s” is used twice.") % {"n": number, "key": key})
                continue
        else:
            key = free_item_key(english or russian, keys)
        keys.add(key)
        items.append({"key": key, "title_en": english, "title_ru": russian})
    if errors:
        raise ValidationError(errors)
    return items


class QuestionForm(PlainConstraintsMixin, forms.ModelForm):
    """A question of one kind: the common fields and those its kind uses. Once the question is in use
    (asked in an opened round), only its last round can change."""

    items = forms.CharField(label=_("Items"), widget=forms.Textarea(attrs={"rows": 6}), help_text=ITEMS_HELP)

    class Meta:
        model = Question
        fields = [
            "key", "title_en", "title_ru", "help_en", "help_ru", "scale_min", "scale_max",
            "dimension1_en", "dimension1_ru", "dimension2_en", "dimension2_ru", "max_choices",
            "first_round", "last_round", "allow_comments", "agreement_band", "consensus_iqr",
        ]  # fmt: skip
        widgets = {
            "title_en": forms.Textarea(attrs={"rows": 2}),
            "title_ru": forms.Textarea(attrs={"rows": 2}),
            "help_en": forms.Textarea(attrs={"rows": 2}),
            "help_ru": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"key": KEY_HELP}

    def __init__(self, *args, kind: str, in_use: bool = False, opened: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.instance.kind = kind
        keep = {*COMMON_QUESTION_FIELDS, *KIND_FIELDS[kind]}
        if kind in NUMERIC_KINDS:
            keep |= set(ANALYSIS_FIELDS)
        if kind == QuestionKind.PROBABILITY:
            keep -= {"scale_min", "scale_max"}  # always 0-100 %
        if not self.instance.pk:
            keep.add("items")
            fewest = MIN_ITEMS.get(kind, 1)
            if fewest > 1:
                self.fields["items"].help_text = format_lazy(
                    "{} {}", _("At least %(fewest)d items.") % {"fewest": fewest}, ITEMS_HELP
                )
            self.initial["first_round"] = opened + 1
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if kind in (QuestionKind.RATING, QuestionKind.RATING2) and not self.instance.pk:
            self.initial["scale_min"], self.initial["scale_max"] = 1, 5
        if kind == QuestionKind.TIME:
            self.fields["scale_min"].label = _("earliest year")
            self.fields["scale_max"].label = _("latest year")
            self.fields["scale_min"].help_text = _("Optional: answers before this year are refused.")
        if kind == QuestionKind.CHOICE and not self.instance.pk:
            self.initial["max_choices"] = 1
        for name in ("scale_min", "scale_max"):
            if name in self.fields:
                self.fields[name].widget.attrs["step"] = "any"
        if self.instance.pk:
            self.fields["key"].disabled = True
        if in_use:
            for name, field in self.fields.items():
                if name != "last_round" and name not in ANALYSIS_FIELDS:
                    field.disabled = True
            self.fields["last_round"].help_text = _(
                "The question has been asked, so only this can change: the round after which it is no "
                "longer asked."
            )
        else:
            self.fields["last_round"].help_text = _("Empty: asked in every round from the first one on.")

    def clean(self):
        cleaned = super().clean()
        _needs_a_title(self, cleaned, _("Give the question in English, in Russian or both."))
        return cleaned

    def clean_items(self):
        return parse_items(self.cleaned_data["items"])

    def check_constraints(self) -> None:
        if "key" in self.fields and not self.instance.pk:
            key = self.cleaned_data.get("key")
            if key and Question.objects.filter(survey=self.instance.survey, key=key).exists():
                self.add_error("key", _("The survey already has a question with this key."))

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "items"}
        if self.instance.pk:
            data.pop("key", None)
        return data


class ItemForm(PlainConstraintsMixin, forms.ModelForm):
    class Meta:
        model = Item
        fields = ["key", "title_en", "title_ru"]
        help_texts = {
            "key": _(
                "Left empty, it is made from the title. It names the item in exported files and matches "
                "candidate priorities."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        if self.instance.pk:
            self.fields["key"].required = True

    def clean(self):
        cleaned = super().clean()
        _needs_a_title(self, cleaned, _("Give the item's title in English, in Russian or both."))
        if (
            not cleaned.get("key")
            and "key" not in self.errors
            and (cleaned.get("title_en") or cleaned.get("title_ru"))
        ):
            taken = set(
                self.instance.question.items.exclude(pk=self.instance.pk).values_list("key", flat=True)
            )
            cleaned["key"] = free_item_key(cleaned.get("title_en") or cleaned.get("title_ru"), taken)
        return cleaned

    def check_constraints(self) -> None:
        key = self.cleaned_data.get("key")
        others = Item.objects.filter(question=self.instance.question, key=key).exclude(pk=self.instance.pk)
        if key and others.exists():
            self.add_error("key", _("The question already has an item with this key."))


# --- the panel ------------------------------------------------------------------------------------------


class InviteForm(forms.Form):
    login = forms.CharField(
        label=_("Username or e-mail"),
        max_length=254,
        help_text=_("The expert needs a user account; they get a pseudonym (E01, E02, ...) on the panel."),
    )
    group = forms.CharField(
        label=_("Group"),
        max_length=60,
        required=False,
        help_text=_("e.g. science, industry, clinic, government"),
    )

    def clean_login(self):
        text = self.cleaned_data["login"].strip()
        users = get_user_model().objects.filter(is_active=True)
        found = list(users.filter(username__iexact=text)[:2]) if "@" not in text else []
        if not found:
            found = list(users.filter(email__iexact=text)[:2])
        if not found:
            raise ValidationError(
                _("No active user has the username or e-mail “%(login)s”."), params={"login": text}
            )
        if len(found) > 1:
            raise ValidationError(
                _("Several users have the e-mail “%(login)s”: give the username."), params={"login": text}
            )
        return found[0]


class PanelistForm(forms.Form):
    group = forms.CharField(label=_("Group"), max_length=60, required=False)


# --- rounds ------------------------------------------------------------------------------------------


class RoundForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("Optional. After it, experts can no longer answer the round."),
    )


# --- import and export ---------------------------------------------------------------------------------


class ResponsesImportForm(forms.Form):
    round = forms.TypedChoiceField(label=_("Round"), coerce=int)
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, UTF-8, with the columns round, expert, question, item, kind, value; up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and show what would be stored, without storing it"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        rounds = survey.rounds.exclude(status=RoundStatus.PLANNED).order_by("-number")
        self.rounds = {r.number: r for r in rounds}
        self.fields["round"].choices = [
            (
                r.number,
                _("Round %(number)d (%(status)s)") % {"number": r.number, "status": r.get_status_display()},
            )
            for r in rounds
        ]

    def clean_round(self) -> Round:
        return self.rounds[self.cleaned_data["round"]]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".txt"):
            raise ValidationError(
                _("Upload a .csv file; “%(name)s” is not one."), params={"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
            )
        head = upload.read(8)
        upload.seek(0)
        if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
            raise ValidationError(_("This is a spreadsheet, not CSV text: save it as “CSV UTF-8” first."))
        return upload
