"""factory_boy factories for web tests. Identifiers are generated with valid check digits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from clusterworks.analytics.identifiers import inn_with_check_digits
from clusterworks.web.core.models import RoleAssignment, User
from clusterworks.web.core.roles import Role
from clusterworks.web.foresight import models as f
from clusterworks.web.network import models as nw
from clusterworks.web.pathways import models as pw
from clusterworks.web.programme import models as pg
from clusterworks.web.registry import models as m


def _inn10(n: int) -> str:
    """A 10-digit INN with a correct check digit."""
    return inn_with_check_digits(f"77{n:07d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery")


def user_with_role(role: str, *, cluster=None, organisation=None, **kwargs) -> User:
    user = UserFactory(**kwargs)
    if role == "anonymous":
        raise ValueError("anonymous is not a user")
    RoleAssignment.objects.create(user=user, role=role, cluster=cluster, organisation=organisation)
    user.forget_roles()
    return user


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Region
        django_get_or_create = ("code",)

    code = "RU-MOW"
    country = "RU"
    name_en = "Moscow"
    name_ru = "Москва"
    kind = "city"


class CompetenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Competence
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"test.competence-{n}")
    name_en = factory.Sequence(lambda n: f"Competence {n}")
    name_ru = factory.Sequence(lambda n: f"Компетенция {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Organisation

    key = factory.Sequence(lambda n: f"org-{n}")
    name_en = factory.Sequence(lambda n: f"Organisation {n}")
    name_ru = factory.Sequence(lambda n: f"Организация {n}")
    type = m.OrganisationType.COMPANY_SME
    inn = factory.Sequence(_inn10)
    region = factory.SubFactory(RegionFactory)
    city = "Moscow"


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Cluster
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"cluster-{n}")
    name_en = factory.Sequence(lambda n: f"Cluster {n}")
    name_ru = factory.Sequence(lambda n: f"Кластер {n}")
    status = m.ClusterStatus.INITIATIVE

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create:
            self.regions.set(extracted or [RegionFactory()])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Membership

    cluster = factory.SubFactory(ClusterFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = m.MembershipRole.MEMBER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Person

    full_name = factory.Sequence(lambda n: f"Иванов Иван {n}")
    full_name_en = factory.Sequence(lambda n: f"Ivan Ivanov {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")


# --- foresight ---------------------------------------------------------------------------------------


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = f.Survey

    cluster = factory.SubFactory(ClusterFactory)
    key = factory.Sequence(lambda n: f"survey-{n}")
    title_en = factory.Sequence(lambda n: f"Survey {n}")
    title_ru = factory.Sequence(lambda n: f"Опрос {n}")
    status = f.SurveyStatus.RUNNING


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = f.Round

    survey = factory.SubFactory(SurveyFactory)
    number = 1
    status = f.RoundStatus.OPEN


class PanelistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = f.Panelist

    survey = factory.SubFactory(SurveyFactory)
    user = factory.SubFactory(UserFactory)
    code = factory.Sequence(lambda n: f"E{n:02d}")
    expertise = 4
    interest = 4


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = f.Question

    survey = factory.SubFactory(SurveyFactory)
    key = factory.Sequence(lambda n: f"q{n}")
    kind = f.QuestionKind.RATING
    title_en = factory.Sequence(lambda n: f"Question {n}")
    title_ru = factory.Sequence(lambda n: f"Вопрос {n}")
    scale_min = 1
    scale_max = 9


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = f.Item

    question = factory.SubFactory(QuestionFactory)
    key = factory.Sequence(lambda n: f"item-{n}")
    title_en = factory.Sequence(lambda n: f"Item {n}")
    title_ru = factory.Sequence(lambda n: f"Пункт {n}")


class PriorityExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = f.PriorityExercise

    cluster = factory.SubFactory(ClusterFactory)
    key = factory.Sequence(lambda n: f"priorities-{n}")
    title_en = factory.Sequence(lambda n: f"Priorities {n}")
    title_ru = factory.Sequence(lambda n: f"Приоритеты {n}")


class RoadmapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = f.Roadmap

    cluster = factory.SubFactory(ClusterFactory)
    key = factory.Sequence(lambda n: f"roadmap-{n}")
    title_en = factory.Sequence(lambda n: f"Roadmap {n}")
    title_ru = factory.Sequence(lambda n: f"Дорожная карта {n}")
    start_year = 2026
    end_year = 2035


# --- pathways ----------------------------------------------------------------------------------------


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pw.Agency
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"agency-{n}")
    name_en = factory.Sequence(lambda n: f"Agency {n}")
    name_ru = factory.Sequence(lambda n: f"Ведомство {n}")


class GateCatalogueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pw.GateCatalogue

    key = factory.Sequence(lambda n: f"catalogue-{n}")
    product_type = pw.ProductType.DEVICE
    name_en = factory.Sequence(lambda n: f"Gates {n}")
    effective_from = dt.date(2025, 3, 1)


class GateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pw.Gate

    catalogue = factory.SubFactory(GateCatalogueFactory)
    key = factory.Sequence(lambda n: f"gate-{n}")
    position = factory.Sequence(lambda n: n + 1)
    name_en = factory.Sequence(lambda n: f"Gate {n}")
    stage = pw.Stage.REGISTRATION
    agency = factory.SubFactory(AgencyFactory)
    clock_kind = pw.ClockKind.WORKING
    clock_days = 50


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pw.Product

    cluster = factory.SubFactory(ClusterFactory)
    key = factory.Sequence(lambda n: f"product-{n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")
    name_ru = factory.Sequence(lambda n: f"Продукт {n}")
    type = pw.ProductType.DEVICE
    risk_class = pw.RiskClass.CLASS_2A
    catalogue = factory.SubFactory(GateCatalogueFactory)
    trl = 5
    started_on = dt.date(2025, 4, 1)


class BarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pw.Barrier

    cluster = factory.SubFactory(ClusterFactory)
    title = factory.Sequence(lambda n: f"Barrier {n}")
    kind = pw.BarrierKind.AGENCY_QUEUE
    raised_on = dt.date(2025, 6, 1)


# --- programme ---------------------------------------------------------------------------------------


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pg.Programme

    key = factory.Sequence(lambda n: f"programme-{n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    name_ru = factory.Sequence(lambda n: f"Программа {n}")
    owner = "Ministry of Economic Development"


class CallFactory(factory.django.DjangoModelFactory):
    """A published call, open from a month ago for two months, with the default workflow, two
    expenditure lines (``support``, ``training``) and a two-criterion rubric (``relevance`` weight 2,
    ``capacity`` weight 1, both 0-10)."""

    class Meta:
        model = pg.Call
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"call-{n}")
    name_en = factory.Sequence(lambda n: f"Call {n}")
    year = 2026
    published = True
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    envelope = Decimal("2500000000.00")

    @factory.post_generation
    def rules(self, create, extracted, **kwargs):
        if not create:
            return
        from clusterworks.web.programme.services.workflow import seed_workflow

        seed_workflow(call=self)
        pg.ExpenditureLine.objects.create(call=self, key="support", position=1,
                                          name_en="Cluster organisation support")  # fmt: skip
        pg.ExpenditureLine.objects.create(call=self, key="training", position=2, name_en="Training")
        pg.Criterion.objects.create(call=self, key="relevance", position=1, name_en="Relevance", weight=2)
        pg.Criterion.objects.create(call=self, key="capacity", position=2, name_en="Capacity", weight=1)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pg.Application

    call = factory.SubFactory(CallFactory)
    number = factory.Sequence(lambda n: f"2026-{n + 1:04d}")
    title = factory.Sequence(lambda n: f"Cluster project {n}")
    cluster = factory.SubFactory(ClusterFactory)
    applicant = factory.SubFactory(OrganisationFactory)
    region = factory.SubFactory(RegionFactory)
    created_by = factory.SubFactory(UserFactory)
    state = "draft"


__all__ = ["Role"]


# --- network ---------------------------------------------------------------------------------------


class ParticipationDatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = nw.ParticipationDataset

    key = factory.Sequence(lambda n: f"dataset-{n}")
    title = factory.Sequence(lambda n: f"Dataset {n}")
    file_name = "participations.csv"
    sha256 = "0" * 64


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = nw.Need

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Looking for a clinical partner {n}")
    description = "A hospital to run a first-in-human study of our device."
    kind = nw.NeedKind.CLINICAL


class MatchmakingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = nw.MatchmakingEvent

    cluster = factory.SubFactory(ClusterFactory)
    title = factory.Sequence(lambda n: f"Brokerage day {n}")
    date = dt.date(2027, 3, 15)
    status = nw.EventStatus.REGISTRATION


class EventParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = nw.EventParticipant

    event = factory.SubFactory(MatchmakingEventFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    attendee = factory.Sequence(lambda n: f"Attendee {n}")


class MeetingRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = nw.MeetingRequest

    event = factory.SubFactory(MatchmakingEventFactory)
    requester = factory.SubFactory(EventParticipantFactory, event=factory.SelfAttribute("..event"))
    invitee = factory.SubFactory(EventParticipantFactory, event=factory.SelfAttribute("..event"))
