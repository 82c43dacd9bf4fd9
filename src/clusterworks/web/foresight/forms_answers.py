"""Forms of the expert's pages: the self-assessment, and one form with every question of a round.

The forms only parse input (numbers written with a decimal point or comma, years, choices) and turn it
into the data :func:`~.answers.submission_save` takes; the rules (scales, rankings, how many choices,
what a submission needs) are the service's, and its errors are shown next to the items they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .answers import (
    NEVER,
    AnswersData,
    ItemInput,
    Scale,
    number,
    question_scale,
    rank_hint,
)
from .models import Answer, Item, Question, QuestionKind

# --- self-assessment ----------------------------------------------------------------------------------

LEVELS = [
    (1, gettext_lazy("1 — very low")),
    (2, gettext_lazy("2 — low")),
    (3, gettext_lazy("3 — medium")),
    (4, gettext_lazy("4 — high")),
    (5, gettext_lazy("5 — very high")),
]


class SelfAssessmentForm(forms.Form):
    expertise = forms.TypedChoiceField(
        label=gettext_lazy("Your expertise on the survey's subject"),
        choices=LEVELS,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("How well do you know the field? 1 = very little, 5 = you are a specialist."),
        error_messages={"required": gettext_lazy("Choose your expertise from 1 to 5.")},
    )
    interest = forms.TypedChoiceField(
        label=gettext_lazy("Your interest in the survey's subject"),
        choices=LEVELS,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("How much does the subject matter to your work? 1 = little, 5 = a lot."),
        error_messages={"required": gettext_lazy("Choose your interest from 1 to 5.")},
    )
    group = forms.ChoiceField(
        label=gettext_lazy("Your group on the panel"),
        required=False,
        help_text=gettext_lazy(
            "The survey's managers compare the answers of these groups. Leave it to keep their choice."
        ),
    )

    def __init__(self, *args: Any, groups: list[str], current_group: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        keep = (
            _("Keep the managers' choice (%(group)s)") % {"group": current_group}
            if current_group
            else _("Keep the managers' choice (none yet)")
        )
        self.fields["group"].choices = [("", keep), *((g, g) for g in groups)]
        if not groups:
            del self.fields["group"]


# --- answers ------------------------------------------------------------------------------------------


class DecimalField(forms.FloatField):
    """A number written with a decimal point or a decimal comma (``2.5`` or ``2,5``)."""

    widget = forms.TextInput
    default_error_messages = {"invalid": gettext_lazy("“%(value)s” is not a number.")}

    def to_python(self, value: Any) -> float | None:
        if isinstance(value, str):
            value = value.strip().replace("\u2009", "").replace(" ", "").replace(",", ".")
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": value}
            ) from error

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "decimal", "autocomplete": "off"}


class YearField(forms.IntegerField):
    default_error_messages = {"invalid": gettext_lazy("Enter a year such as 2030.")}

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {"inputmode": "numeric", "autocomplete": "off"}


@dataclass
class ItemBlock:
    """One item of a question on the page: its fields by role (value, value2, never, text, comment)."""

    item: Item
    fields: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    feedback: Any = None  # the group's answers of the previous round (feedback.ItemFeedback)
    charts: list[dict[str, Any]] = field(default_factory=list)
    option: Any = None  # the checkbox of a choice question's option
    answer: str = ""  # the stored answer in words, for the read-only view
    comment: str = ""


@dataclass
class QuestionBlock:
    question: Question
    scale: Scale | None
    items: list[ItemBlock]
    choice: Any = None  # the bound checkbox field of a choice question
    errors: list[str] = field(default_factory=list)
    hint: str = ""


def _shown(value: float | None) -> str | None:
    """A stored number as the expert wrote it (``2``, not ``2.0``; ``1,5`` in Russian)."""
    return None if value is None else number(value)


def _value(field_value: Any) -> float | None:
    if field_value in (None, ""):
        return None
    return float(field_value)


class AnswerForm(forms.Form):
    """Every question asked in a round, one block per question and item (:attr:`blocks`).

    ``initial_answers`` (item id -> Answer) pre-fill the form: the expert's answers to this round, or
    of the previous round when this one has none yet (comments are not carried over).
    """

    def __init__(
        self,
        data: Any = None,
        *,
        questions: list[Question],
        initial_answers: dict[int, Answer] | None = None,
        carry_comments: bool = True,
    ):
        super().__init__(data)
        self.blocks: list[QuestionBlock] = []
        self._item_field: dict[tuple[str, str], str] = {}
        initial_answers = initial_answers or {}
        for question in questions:
            items = list(question.items.all())
            scale = question_scale(question, items=len(items))
            block = QuestionBlock(question=question, scale=scale, items=[])
            if question.kind == QuestionKind.RANK:
                block.hint = rank_hint(len(items))
            if question.kind == QuestionKind.CHOICE:
                name = f"q{question.pk}_choice"
                self.fields[name] = forms.MultipleChoiceField(
                    label=question.title(),
                    required=False,
                    choices=[(item.key, item.title()) for item in items],
                    widget=forms.CheckboxSelectMultiple,
                )
                self.initial[name] = [
                    item.key
                    for item in items
                    if initial_answers.get(item.pk) is not None and initial_answers[item.pk].value == 1
                ]
                block.choice = self[name]
            for item in items:
                answer = initial_answers.get(item.pk)
                names = self._add_item_fields(question, item, scale, answer, carry_comments=carry_comments)
                block.items.append(
                    ItemBlock(item=item, fields={role: self[name] for role, name in names.items()})
                )
            self.blocks.append(block)
        # the checkboxes of the options, once every field exists (rendering a widget reads the form's
        # errors, which would clean a bound form with the fields added so far)
        for block in self.blocks:
            if block.choice is not None:
                for item_block, option in zip(block.items, block.choice.subwidgets, strict=True):
                    item_block.option = option

    def _add_item_fields(
        self,
        question: Question,
        item: Item,
        scale: Scale | None,
        answer: Answer | None,
        *,
        carry_comments: bool,
    ) -> dict[str, str]:
        prefix = f"i{item.pk}"
        names: dict[str, str] = {}
        kind = question.kind

        def add(role: str, form_field: forms.Field, initial: Any) -> None:
            name = prefix if role == "value" else f"{prefix}_{role}"
            self.fields[name] = form_field
            if initial not in (None, ""):
                self.initial[name] = initial
            names[role] = name

        if kind in (QuestionKind.RATING, QuestionKind.RATING2):
            dimensions = [("value", 1), ("value2", 2)] if kind == QuestionKind.RATING2 else [("value", 1)]
            for role, which in dimensions:
                stored = getattr(answer, role) if answer is not None else None
                label = question.dimension(which) if kind == QuestionKind.RATING2 else item.title()
                if scale.points() is not None:
                    add(
                        role,
                        forms.ChoiceField(
                            label=label,
                            required=False,
                            choices=[(str(p), str(p)) for p in scale.points()],
                            widget=forms.RadioSelect,
                        ),
                        str(int(stored)) if stored is not None and float(stored).is_integer() else None,
                    )
                else:
                    add(role, DecimalField(label=label, required=False), _shown(stored))
        elif kind in (QuestionKind.RANK, QuestionKind.PROBABILITY):
            add(
                "value",
                DecimalField(label=item.title(), required=False),
                _shown(answer.value if answer else None),
            )
        elif kind == QuestionKind.TIME:
            year = answer.value if answer is not None else None
            add(
                "value",
                YearField(
                    label=item.title(),
                    required=False,
                    widget=forms.NumberInput(attrs={"min": int(scale.low), "max": int(scale.high)}),
                ),
                int(year) if year is not None else None,
            )
            add(
                "never",
                forms.BooleanField(label=_("Never"), required=False),
                bool(answer is not None and answer.value is None and answer.text == NEVER),
            )
        elif kind == QuestionKind.TEXT:
            add(
                "text",
                forms.CharField(
                    label=item.title(), required=False, widget=forms.Textarea(attrs={"rows": 4}), strip=True
                ),
                answer.text if answer else None,
            )
        if question.allow_comments:
            add(
                "comment",
                forms.CharField(
                    label=_("Your comment (optional; the panel sees it without your name)"),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    strip=True,
                ),
                answer.comment if answer is not None and carry_comments else None,
            )
        self._item_field[(question.key, item.key)] = (
            names.get("value") or names.get("text") or next(iter(names.values()), "")
        )
        return names

    # --- to the service and back -----------------------------------------------------------------------

    def answers_data(self) -> AnswersData:
        """The cleaned input as :func:`~.answers.submission_save` takes it."""
        data: dict[str, dict[str, ItemInput]] = {}
        for block in self.blocks:
            question = block.question
            chosen = (
                set(self.cleaned_data.get(block.choice.name) or []) if block.choice is not None else set()
            )
            items: dict[str, ItemInput] = {}
            for item_block in block.items:
                given: ItemInput = {}
                for role, bound in item_block.fields.items():
                    value = self.cleaned_data.get(bound.name)
                    if role in ("value", "value2"):
                        given[role] = _value(value)
                    elif role == "never":
                        given["never"] = bool(value)
                    else:
                        given[role] = value or ""
                if question.kind == QuestionKind.CHOICE:
                    given["chosen"] = item_block.item.key in chosen
                items[item_block.item.key] = given
            data[question.key] = items
        return data

    def add_service_errors(self, error: ValidationError) -> None:
        """Put the service's problems next to the items and questions they name."""
        by_question = {block.question.key: block for block in self.blocks}
        for key, messages in error.message_dict.items():
            question_key, _slash, item_key = key.partition("/")
            block = by_question.get(question_key)
            if block is None:
                self.add_error(None, messages)
                continue
            if not item_key:
                block.errors.extend(messages)
                continue
            item_block = next((b for b in block.items if b.item.key == item_key), None)
            (item_block.errors if item_block is not None else block.errors).extend(messages)

    def problems(self) -> list[tuple[str, str]]:
        """Every problem of the form as (anchor, message), in the order of the page, for the summary;
        the field errors of an item are also added to its block's ``errors`` (once)."""
        if getattr(self, "_problems", None) is not None:
            return self._problems
        listed: list[tuple[str, str]] = [("", str(message)) for message in self.non_field_errors()]
        for block in self.blocks:
            question = block.question
            anchor = f"question-{question.pk}"
            listed.extend((anchor, message) for message in block.errors)
            if block.choice is not None:
                listed.extend(
                    (
                        anchor,
                        _("Question “%(question)s”: %(problem)s")
                        % {"question": question.title(), "problem": m},
                    )
                    for m in block.choice.errors
                )
            for item_block in block.items:
                anchor = f"item-{item_block.item.pk}"
                for bound in item_block.fields.values():
                    for message in bound.errors:
                        text = _("Question “%(question)s”, item “%(item)s”: %(problem)s") % {
                            "question": question.title(),
                            "item": item_block.item.title(),
                            "problem": message,
                        }
                        item_block.errors.append(text)
                        listed.append((anchor, text))
                listed.extend(
                    (anchor, message) for message in item_block.errors if (anchor, message) not in listed
                )
        self._problems = listed
        return listed


def answer_in_words(question: Question, answer: Answer | None, *, chosen_label: str | None = None) -> str:
    """A stored answer as the read-only page shows it ("7", "2030", "never", "chosen", the text)."""
    if answer is None:
        return ""
    kind = question.kind
    if kind == QuestionKind.TEXT:
        return answer.text
    if kind == QuestionKind.CHOICE:
        if answer.value is None:
            return ""
        return (chosen_label or _("chosen")) if answer.value == 1 else _("not chosen")
    if kind == QuestionKind.TIME:
        if answer.value is None:
            return _("never") if answer.text == NEVER else ""
        return str(int(answer.value))
    if answer.value is None:
        return ""
    if kind == QuestionKind.RATING2:
        second = number(answer.value2) if answer.value2 is not None else "—"
        return f"{question.dimension(1)}: {number(answer.value)}; {question.dimension(2)}: {second}"
    if kind == QuestionKind.PROBABILITY:
        return _("%(value)s %%") % {"value": number(answer.value)}
    return number(answer.value)
