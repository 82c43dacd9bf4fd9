"""factory_boy factories for web tests. Identifiers are generated with valid check digits."""

from __future__ import annotations

import factory

from clusterworks.analytics.identifiers import inn_with_check_digits
from clusterworks.web.core.models import RoleAssignment, User
from clusterworks.web.core.roles import Role
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


__all__ = ["Role"]
