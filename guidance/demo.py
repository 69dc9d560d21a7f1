"""Demo guidance: the institution's page on the Technician Commitment, with an earlier version
and last year's review. The feature apps add their own pages (registration guide, apprenticeship
guidance, authorship guidelines) in their demo seeds."""

from datetime import timedelta

from . import services
from .models import GuidanceReview

COMMITMENT_V1 = "\n\n".join(
    [
        (
            "The Institute is a signatory of the Technician Commitment, a sector-wide pledge to ensure "
            "visibility, recognition, career development and sustainability for technicians."
        ),
        (
            "Our 2024-2027 action plan sets out what we will do under each of the four aims. Its owners report "
            "progress to the Technician Commitment steering group every quarter."
        ),
    ]
)

COMMITMENT_V2 = "\n\n".join(
    [
        (
            "The Institute is a signatory of the Technician Commitment, a sector-wide pledge to ensure "
            "visibility, recognition, career development and sustainability for technicians."
        ),
        ("Our 2024-2027 action plan sets out what we will do under each of the four aims:"),
        (
            "Visibility: a technician profile for everyone who wants one, an opportunities bulletin, and a "
            "welcome for every new Scientific Officer."
        ),
        (
            "Recognition: fair authorship and acknowledgement, nominations for the Papin Prize and the RITA "
            "awards, and celebrating promotions and professional registrations."
        ),
        (
            "Career development: a minimum number of development days a year, the technical career development "
            "programmes with our partner institutes, apprenticeships for new and existing staff, and clear "
            "promotion criteria."
        ),
        (
            "Sustainability: the technician exchange, mentoring, and support for professional registration with "
            "the Science Council and the Engineering Council."
        ),
        (
            "Its owners report progress to the Technician Commitment steering group every quarter; the figures "
            "behind each success measure are in TechCareers, worked out from the records themselves."
        ),
        ("Questions: the Researcher Development Coordinator, or your Scientific Officer Association representative."),
    ]
)


def seed(context):
    institution, today = context.institution, context.today
    owner = context.accounts["programmes@icr.ac.uk"]
    page = services.ensure_page(
        institution=institution,
        slug="technician-commitment",
        title="The Technician Commitment at the Institute",
        summary="What we have committed to, and where each part of the action plan stands.",
        body=COMMITMENT_V1,
        effective_from=today - timedelta(days=420),
        owner=owner,
        by=owner.user,
    )
    if page.versions.count() == 1:
        services.publish_version(
            page=page,
            audience="everyone",
            effective_from=today - timedelta(days=60),
            body=COMMITMENT_V2,
            change_note="Set out what each of the four aims means here",
            by=owner.user,
        )
    if not page.reviews.exists():
        services.record_review(
            page=page,
            reviewed_on=today - timedelta(days=60),
            outcome=GuidanceReview.Outcome.UPDATED,
            compared_with="The Crick's and the Sanger Institute's Technician Commitment pages",
            notes="Ours said less than our peers' about what each aim means in practice; version 2 spells it out.",
            by=owner.user,
        )
