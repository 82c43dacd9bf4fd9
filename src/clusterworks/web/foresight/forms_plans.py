"""Forms of the priority and roadmap pages.

The forms only parse and check input; the services in ``priorities.py`` and ``roadmaps.py`` make the
change (and check the permission and the rules again, e.g. a roadmap's links through
``analytics.roadmap.validate_roadmap``). Keys are fixed once an object exists.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.widgets import FastWidgetsMixin
from clusterworks.web.registry.forms import CompetenceChoiceField
from clusterworks.web.registry.models import Cluster, Competence

from .models import (
    NUMERIC_KINDS,
    Candidate,
    Criterion,
    CriterionSource,
    PriorityExercise,
    Question,
    Roadmap,
    RoadmapNode,
    Survey,
)

KEY_HELP = _("Lower-case Latin letters, digits, '.', '_' and '-'; it cannot change later.")
SEVERAL = _("Hold Ctrl (⌘ on a Mac) to choose several.")


class TitledForm(FastWidgetsMixin, forms.ModelForm):
    """A model form with ``key``, ``title_en`` and ``title_ru``: the key is fixed once the object
    exists (and unique among its siblings, ``siblings``); one title at least."""

    #: what the key must be unique among (a queryset of the same model), or None for a global key
    siblings: QuerySet | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            if self.instance.pk:
                self.fields["key"].disabled = True
                self.fields["key"].help_text = _(
                    "The key identifies it in files and links and cannot change."
                )
            else:
                self.fields["key"].help_text = KEY_HELP

    def clean_key(self):
        key = self.cleaned_data["key"]
        if self.instance.pk:
            return self.instance.key
        if self.siblings is not None and self.siblings.filter(key=key).exists():
            raise forms.ValidationError(
                _("The key %(key)s is taken here; choose another."), params={"key": key}
            )
        return key

    def clean(self):
        cleaned = super().clean()
        if (
            not (cleaned.get("title_en") or "").strip()
            and not (cleaned.get("title_ru") or "").strip()
            and "title_en" not in self.errors
        ):
            self.add_error("title_en", _("Give a title in English, in Russian or both."))
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """The cleaned values the services take (the key only when creating; many-to-many apart)."""
        data = {
            name: value for name, value in self.cleaned_data.items() if name not in ("competences", "cluster")
        }
        if self.instance.pk:
            data.pop("key", None)
        return data


def _cluster_field(clusters: QuerySet) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Cluster"),
        queryset=clusters,
        to_field_name="key",
        empty_label=None,
        help_text=_("The clusters you manage."),
    )


# ------------------------------------------------------------------------------------------- priorities


class ExerciseForm(TitledForm):
    """A priority exercise; on creation, also the cluster (one of those the user manages)."""

    class Meta:
        model = PriorityExercise
        fields = ["key", "title_en", "title_ru", "survey", "top"]

    def __init__(self, *args, cluster: Cluster | None = None, clusters: QuerySet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if clusters is not None:
            self.fields = {"cluster": _cluster_field(clusters), **self.fields}
            surveys = Survey.objects.filter(cluster__in=clusters)
        else:
            surveys = Survey.objects.filter(cluster=cluster)
        self.fields["survey"].queryset = surveys.select_related("cluster")
        self.fields["survey"].required = False
        self.fields["top"].min_value = 1
        self.fields["top"].widget.attrs["min"] = 1

    def clean_key(self):
        key = super().clean_key()
        if not self.instance.pk and PriorityExercise.objects.filter(key=key).exists():
            raise forms.ValidationError(_("The key %(key)s is taken; choose another."), params={"key": key})
        return key

    def clean(self):
        cleaned = super().clean()
        cluster, survey = cleaned.get("cluster"), cleaned.get("survey")
        if cluster is not None and survey is not None and survey.cluster_id != cluster.pk:
            self.add_error("survey", _("The Delphi survey must be one of the same cluster."))
        return cleaned


class CriterionForm(TitledForm):
    class Meta:
        model = Criterion
        fields = [
            "key", "title_en", "title_ru", "weight", "direction", "source", "question", "dimension", "low",
            "high", "position",
        ]  # fmt: skip
        widgets = {"source": forms.RadioSelect}
        help_texts = {
            "low": _("For scores entered by hand, optional; a Delphi question brings its own scale."),
            "weight": _("Only the ratios of the weights matter."),
        }

    def __init__(self, *args, exercise: PriorityExercise, **kwargs):
        self.exercise = exercise
        self.siblings = exercise.criteria.all()
        super().__init__(*args, **kwargs)
        questions = Question.objects.none()
        if exercise.survey_id is not None:
            questions = Question.objects.filter(survey_id=exercise.survey_id, kind__in=list(NUMERIC_KINDS))
        self.fields["question"].queryset = questions
        self.fields["question"].help_text = _(
            "For a Delphi criterion: the question of the exercise's survey whose items have the "
            "candidates' keys."
        )
        self.fields["dimension"].label = _("Scale of a two-scale rating")
        self.fields["weight"].min_value = 0
        self.fields["weight"].widget.attrs.update({"min": 0, "step": "any"})
        for name in ("low", "high"):
            self.fields[name].widget.attrs["step"] = "any"

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if source == CriterionSource.DELPHI:
            if self.exercise.survey_id is None:
                self.add_error("source", _("Choose the exercise's Delphi survey first."))
            elif cleaned.get("question") is None and "question" not in self.errors:
                self.add_error("question", _("Choose the Delphi question the scores come from."))
        low, high = cleaned.get("low"), cleaned.get("high")
        if source == CriterionSource.MANUAL and (low is None) != (high is None):
            self.add_error("high", _("Give both ends of the scale, or neither."))
        elif low is not None and high is not None and not low < high:
            self.add_error("high", _("The scale maximum must be above its minimum."))
        return cleaned


class CandidateForm(TitledForm):
    class Meta:
        model = Candidate
        fields = ["key", "title_en", "title_ru", "competences"]
        field_classes = {"competences": CompetenceChoiceField}
        widgets = {"competences": forms.SelectMultiple(attrs={"size": 10})}
        help_texts = {"key": _("Matches the key of the Delphi items that rate this candidate.")}

    def __init__(self, *args, exercise: PriorityExercise, **kwargs):
        self.siblings = exercise.candidates.all()
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = Competence.objects.all()
        self.fields["competences"].help_text = SEVERAL
        if not self.instance.pk:
            self.fields["key"].help_text = _("Matches the key of the Delphi items that rate this candidate.")


def score_field_name(candidate: Candidate, criterion: Criterion) -> str:
    return f"score-{candidate.pk}-{criterion.pk}"


class ScoreGridForm(forms.Form):
    """One number per candidate and manual criterion; an empty cell clears the score."""

    def __init__(self, *args, candidates: list[Candidate], criteria: list[Criterion], scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells: list[tuple[Candidate, Criterion, str]] = []
        for candidate in candidates:
            for criterion in criteria:
                name = score_field_name(candidate, criterion)
                attrs = {"step": "any", "class": "score-input"}
                if criterion.low is not None:
                    attrs.update({"min": f"{criterion.low:g}", "max": f"{criterion.high:g}"})
                self.fields[name] = forms.FloatField(
                    label=f"{candidate} — {criterion}",
                    required=False,
                    initial=scores.get((candidate.key, criterion.key)),
                    min_value=criterion.low,
                    max_value=criterion.high,
                    widget=forms.NumberInput(attrs=attrs),
                )
                self.cells.append((candidate, criterion, name))

    def values(self) -> dict[tuple[str, str], float | None]:
        """(candidate key, criterion key) -> value (None: clear) for every cell that changed."""
        changed = set(self.changed_data)
        return {
            (candidate.key, criterion.key): self.cleaned_data[name]
            for candidate, criterion, name in self.cells
            if name in changed
        }

    def row(self, candidate: Candidate, criterion: Criterion) -> forms.BoundField:
        return self[score_field_name(candidate, criterion)]


def weight_field_name(criterion: Criterion) -> str:
    return f"w-{criterion.key}"


class WeightsForm(forms.Form):
    """One weight per criterion (at least 0), prefilled with the saved weights: the "what if" form (GET)
    and the form that saves them (POST)."""

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[weight_field_name(criterion)] = forms.FloatField(
                label=str(criterion),
                min_value=0,
                required=False,
                initial=criterion.weight,
                widget=forms.NumberInput(attrs={"step": "any", "min": 0, "class": "weight-input"}),
            )

    def is_what_if(self) -> bool:
        return self.is_bound and any(weight_field_name(c) in self.data for c in self.criteria)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            weights = self.weights()
            if not any(w > 0 for w in weights.values()):
                raise forms.ValidationError(_("At least one weight must be above 0."))
        return cleaned

    def weights(self) -> dict[str, float]:
        """Criterion key -> weight; a field left empty keeps the saved weight."""
        result = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(weight_field_name(criterion))
            result[criterion.key] = criterion.weight if value is None else float(value)
        return result

    def fields_with_criteria(self) -> list[tuple[Criterion, forms.BoundField]]:
        return [(c, self[weight_field_name(c)]) for c in self.criteria]


# -------------------------------------------------------------------------------------------- roadmaps


class RoadmapForm(TitledForm):
    class Meta:
        model = Roadmap
        fields = [
            "key", "title_en", "title_ru", "start_year", "end_year", "exercise", "description_en",
            "description_ru",
        ]  # fmt: skip
        widgets = {
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "description_ru": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, cluster: Cluster | None = None, clusters: QuerySet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if clusters is not None:
            self.fields = {"cluster": _cluster_field(clusters), **self.fields}
            exercises = PriorityExercise.objects.filter(cluster__in=clusters)
        else:
            exercises = PriorityExercise.objects.filter(cluster=cluster)
        self.fields["exercise"].queryset = exercises.select_related("cluster")
        self.fields["exercise"].help_text = _("Its candidates can be named as the priorities of nodes.")
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update({"min": 1990, "max": 2100})

    def clean_key(self):
        key = super().clean_key()
        if not self.instance.pk and Roadmap.objects.filter(key=key).exists():
            raise forms.ValidationError(_("The key %(key)s is taken; choose another."), params={"key": key})
        return key

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("The last year must not be before the first."))
        cluster, exercise = cleaned.get("cluster"), cleaned.get("exercise")
        if cluster is not None and exercise is not None and exercise.cluster_id != cluster.pk:
            self.add_error("exercise", _("The priority exercise must be one of the same cluster."))
        return cleaned


class CandidateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Candidate) -> str:
        return f"{obj} ({obj.exercise})"


class NodeForm(TitledForm):
    class Meta:
        model = RoadmapNode
        fields = [
            "key",
            "layer",
            "title_en",
            "title_ru",
            "start_year",
            "end_year",
            "trl",
            "competences",
            "candidate",
        ]
        field_classes = {"competences": CompetenceChoiceField, "candidate": CandidateChoiceField}
        widgets = {"competences": forms.SelectMultiple(attrs={"size": 10})}

    def __init__(self, *args, roadmap: Roadmap, **kwargs):
        self.roadmap = roadmap
        self.siblings = roadmap.nodes.all()
        super().__init__(*args, **kwargs)
        self.fields["competences"].queryset = Competence.objects.all()
        self.fields["competences"].help_text = SEVERAL
        self.fields["candidate"].queryset = Candidate.objects.filter(
            exercise__cluster_id=roadmap.cluster_id
        ).select_related("exercise")
        self.fields["candidate"].help_text = _("The candidate priority this node serves, if any.")
        for name in ("start_year", "end_year"):
            self.fields[name].widget.attrs.update({"min": roadmap.start_year, "max": roadmap.end_year})
        self.fields["trl"].widget.attrs.update({"min": 1, "max": 9})
        self.fields["trl"].help_text = _(
            "Technology readiness level, 1 (basic principles) to 9 (proven in use)."
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start is not None and end is not None and end < start and "end_year" not in self.errors:
            self.add_error("end_year", _("The end year must not be before the start year."))
        return cleaned


class NodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RoadmapNode) -> str:
        return f"{obj} ({obj.get_layer_display()})"


class LinkForm(FastWidgetsMixin, forms.Form):
    """A link from a node to one that serves or enables it."""

    source = NodeChoiceField(label=_("From"), queryset=RoadmapNode.objects.none(), to_field_name="key")
    target = NodeChoiceField(
        label=_("to the node it needs"), queryset=RoadmapNode.objects.none(), to_field_name="key"
    )

    def __init__(self, *args, roadmap: Roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        nodes = roadmap.nodes.all()
        self.fields["source"].queryset = nodes
        self.fields["target"].queryset = nodes
