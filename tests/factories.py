"""factory_boy factories for the staff directory; other apps add theirs beside their tests."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from people.models import Division, EmailDomain, Grade, Institution, JobFamily, StaffProfile, User

PASSWORD = "correct-horse-battery-staple"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Institute {n}")
    short_name = factory.Sequence(lambda n: f"I{n}")
    slug = factory.Sequence(lambda n: f"institute-{n}")
    email_domain = factory.RelatedFactory(
        "tests.factories.EmailDomainFactory",
        "institution",
        domain=factory.LazyAttribute(lambda o: f"{o.factory_parent.slug}.ac.uk"),
    )


class EmailDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailDomain

    institution = factory.SubFactory(InstitutionFactory, email_domain=None)
    domain = factory.Sequence(lambda n: f"domain{n}.ac.uk")


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Division {n}")


class JobFamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobFamily

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"Job family {n}")


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grade

    job_family = factory.SubFactory(JobFamilyFactory)
    level = factory.Sequence(lambda n: n + 1)
    short_name = factory.LazyAttribute(lambda o: f"G{o.level}")
    name = factory.LazyAttribute(lambda o: f"Grade {o.level}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"person{n}@example.ac.uk")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get_or_create(name=name)[0])
        if create:
            self.save()


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    institution = factory.SubFactory(InstitutionFactory)
    user = factory.SubFactory(
        UserFactory,
        email=factory.LazyAttributeSequence(
            lambda o, n: f"staff{n}@{o.factory_parent.institution.email_domains.first() or 'example.ac.uk'}"
        ),
    )
    job_title = "Research technician"
    # As if HR had recorded them: sign-in does not send them to onboarding. Tests of
    # onboarding make people with `onboarded_at=None`.
    onboarded_at = factory.LazyFunction(timezone.now)


TOTP_SECRET = "JBSWY3DPEHPK3PXP"


def staff(institution, *, groups=(), second_factor=True, **kwargs):
    """Make a staff member of the institution with the given role groups.

    A role that must sign in with a second factor (people.roles.ROLES_REQUIRING_MFA) comes with
    a TOTP authenticator of secret TOTP_SECRET, unless `second_factor=False`.
    """
    from allauth.mfa.models import Authenticator

    from people.roles import ROLES_REQUIRING_MFA

    profile = StaffProfileFactory(institution=institution, **kwargs)
    for name in groups:
        profile.user.groups.add(Group.objects.get_or_create(name=name)[0])
    if second_factor and set(groups) & set(ROLES_REQUIRING_MFA):
        Authenticator.objects.create(user=profile.user, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET})
    return profile
