"""Forms of matchmaking events: the event (with its first slots and rooms when it is created), the slots
as editable lines of times or generated from the day's start, end, meeting length and breaks, the
rooms, registration, a meeting request, a scheduling run, and a meeting's outcome. The forms parse
input; the services (``services.events``) check the rules again and save."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterworks.web.core.widgets import FastWidgetsMixin
from clusterworks.web.registry.forms import DATE_WIDGET

from .models import EventSlot, MatchmakingEvent, OutcomeKind
from .services.events import EVENT_FIELDS, MAX_TIME_LIMIT, default_room_names, slot_times

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_SPAN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_spans(text: str) -> list[tuple[dt.time, dt.time]]:
    """Lines or comma-separated items ``HH:MM-HH:MM``; raises ``ValidationError`` naming the bad ones.

    >>> parse_spans("10:00-10:20, 13:00–14:00")
    [(datetime.time(10, 0), datetime.time(10, 20)), (datetime.time(13, 0), datetime.time(14, 0))]
    """
    spans, bad = [], []
    for item in re.split(r"[\n,;]+", text or ""):
        if not item.strip():
            continue
        match = _SPAN.match(item)
        try:
            if match is None:
                raise ValueError(item)
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            spans.append((dt.time(h1, m1), dt.time(h2, m2)))
        except ValueError:
            bad.append(item.strip())
    if bad:
        raise ValidationError(
            _("Write each period as HH:MM-HH:MM; not understood: %(items)s.") % {"items": "; ".join(bad)}
        )
    return spans


def format_spans(slots: Any) -> str:
    return "\n".join(
        f"{timezone.localtime(s.starts_at):%H:%M}-{timezone.localtime(s.ends_at):%H:%M}" for s in slots
    )


def parse_names(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SlotGeneratorMixin(forms.Form):
    """The day's meetings: start, end, meeting length, pause and breaks, turned into slots."""

    day_start = forms.TimeField(label=_("First meeting starts"), widget=TIME_WIDGET, initial=dt.time(10, 0))
    day_end = forms.TimeField(label=_("Last meeting ends by"), widget=TIME_WIDGET, initial=dt.time(13, 0))
    length = forms.IntegerField(label=_("Meeting length, minutes"), min_value=5, max_value=240, initial=20)
    pause = forms.IntegerField(
        label=_("Pause between meetings, minutes"), min_value=0, max_value=120, initial=5, required=False
    )
    breaks = forms.CharField(
        label=_("Breaks"),
        required=False,
        help_text=_("Periods without meetings, e.g. 11:30-12:00, 13:00-14:00."),
    )

    def clean_breaks(self) -> list[tuple[dt.time, dt.time]]:
        return parse_spans(self.cleaned_data.get("breaks", ""))

    def generated_slots(self) -> list[tuple[dt.time, dt.time]]:
        """The slots of the valid form; errors of the generator are added to the form."""
        data = self.cleaned_data
        try:
            return slot_times(
                start=data["day_start"],
                end=data["day_end"],
                length=data["length"],
                pause=data.get("pause") or 0,
                breaks=data.get("breaks") or [],
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                self.add_error({"end": "day_end"}.get(field, field), errors)
            return []


class EventForm(FastWidgetsMixin, forms.ModelForm):
    """The event's own fields."""

    class Meta:
        model = MatchmakingEvent
        fields = list(EVENT_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "date": DATE_WIDGET,
            "requests_close": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        }

    def __init__(self, *args: Any, clusters: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["requests_close"].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["requests_close"].help_text = _("Empty: until the organisers publish the schedule.")
        if clusters is not None:
            self.fields["cluster"] = forms.ModelChoiceField(label=_("Organising cluster"), queryset=clusters)
            if clusters.count() == 1:
                self.fields["cluster"].initial = clusters.first().pk
            self.order_fields(["cluster", *EVENT_FIELDS])

    def _post_clean(self):
        """The service validates the event."""

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EVENT_FIELDS if name in self.cleaned_data}


class EventCreateForm(SlotGeneratorMixin, EventForm):
    """A new event with its first slots (generated) and rooms (a count, or names)."""

    room_count = forms.IntegerField(
        label=_("Number of tables"), min_value=1, max_value=200, initial=4, required=False
    )
    room_names = forms.CharField(
        label=_("Or their names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One room or table per line; when given, the number is ignored."),
    )

    def clean(self):
        data = super().clean()
        if not parse_names(data.get("room_names", "")) and not data.get("room_count"):
            self.add_error("room_count", _("Give the number of tables or their names."))
        return data

    def rooms(self) -> list[str]:
        names = parse_names(self.cleaned_data.get("room_names", ""))
        return names or default_room_names(self.cleaned_data.get("room_count") or 0)


class SlotsForm(forms.Form):
    """The slots as lines of times, editable; or generated anew."""

    slots = forms.CharField(
        label=_("Time slots"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("One slot per line, HH:MM-HH:MM, on the event's date."),
    )

    def clean_slots(self) -> list[tuple[dt.time, dt.time]]:
        return parse_spans(self.cleaned_data["slots"])


class SlotGenerateForm(SlotGeneratorMixin, forms.Form):
    pass


class RoomsForm(forms.Form):
    """The rooms as names, one per line, or a number of tables named "Table 1", "Table 2", ..."""

    names = forms.CharField(
        label=_("Rooms and tables"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One per line; a room that keeps its name keeps its place."),
    )
    count = forms.IntegerField(
        label=_("Or a number of tables"), min_value=1, max_value=200, required=False,
        help_text=_("Used when no names are given."),
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if not parse_names(data.get("names", "")) and not data.get("count"):
            self.add_error("names", _("Give the rooms' names or a number of tables."))
        return data

    def rooms(self) -> list[str]:
        return parse_names(self.cleaned_data.get("names", "")) or default_room_names(
            self.cleaned_data.get("count") or 0
        )


class ParticipantForm(FastWidgetsMixin, forms.Form):
    """Registration (with the organisation) or the participant's profile (without)."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    attendee = forms.CharField(label=_("Attendee"), max_length=200, help_text=_("Who comes to the meetings."))
    offer = forms.CharField(
        label=_("What we offer"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    seek = forms.CharField(
        label=_("What we look for"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    available = forms.ModelMultipleChoiceField(
        label=_("Available in"),
        queryset=EventSlot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: available the whole event."),
    )

    def __init__(self, *args: Any, event: MatchmakingEvent, organisations: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["available"].queryset = event.slots.order_by("starts_at")
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations
            if organisations.count() == 1:
                self.fields["organisation"].initial = organisations.first().pk


class MeetingRequestForm(forms.Form):
    requester = forms.ModelChoiceField(label=_("On behalf of"), queryset=None)
    message = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why you would like to meet."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        choices=[(1, _("1 — normal")), (2, _("2 — important")), (3, _("3 — must meet"))],
        initial=1,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, requesters: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = requesters
        self.fields["requester"].label_from_instance = lambda p: str(p.organisation)
        if requesters.count() == 1:
            self.fields["requester"].initial = requesters.first().pk


class ScheduleRunForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"),
        choices=[("exact", _("Exact (best total priority)")), ("greedy", _("Greedy (fast)"))],
        initial="exact",
    )
    time_limit = forms.FloatField(
        label=_("Time limit, seconds"), min_value=0.1, max_value=MAX_TIME_LIMIT, initial=10
    )


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Outcome"), choices=OutcomeKind.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


PLACEMENT = re.compile(r"^(\d+):(\d+):(\d+)$")


def parse_placements(values: list[str]) -> list[tuple[int, int, int]]:
    """``request:slot:room`` primary keys from the publish form; raises ``ValidationError`` if malformed."""
    placements = []
    for value in values:
        match = PLACEMENT.match(value or "")
        if match is None:
            raise ValidationError(_("The schedule to publish is malformed; run the scheduler again."))
        placements.append(tuple(int(g) for g in match.groups()))
    return placements
