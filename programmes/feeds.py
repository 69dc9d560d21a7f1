"""The bulletin as Atom: a person's private feed, and the institution's feed for its intranet (api).

Both list the same opportunities with the same wording; links go through the bulletin's
click-counting redirect (`?via=` names where the click came from), so a visit from a feed
reader or the intranet counts like one from the page.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from core.tenancy import in_institution

from . import bulletin, selectors


class BulletinAtom(Feed):
    feed_type = Atom1Feed
    title = "TechCareers opportunities bulletin"
    subtitle = "Every current opportunity: programmes, events, external programmes, prizes and posts."
    via = "feed"

    def link(self, obj):
        return reverse("programmes:bulletin")

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        deadline = f" Deadline: {item.deadline:%-d %B %Y}." if item.deadline else ""
        return f"{item.kind_label} · {item.offered_by}. {item.summary}{deadline}"

    def item_link(self, item):
        return reverse("programmes:bulletin_go", args=[item.key]) + f"?via={self.via}"

    def item_guid(self, item):
        return item.key

    item_guid_is_permalink = False


class BulletinFeed(BulletinAtom):
    """The bulletin at the person's private address (the calendar token)."""

    def get_object(self, request, token):
        return selectors.get_calendar_feed(token).user

    def items(self, user):
        profile = getattr(user, "profile", None)
        with in_institution(profile.institution_id if profile is not None else None):
            return bulletin.bulletin(user)


class InstitutionBulletinFeed(BulletinAtom):
    """The bulletin as the institution's staff see it, for its intranet: called by the API with
    the token's institution, inside that institution's scope."""

    via = "intranet"

    def get_object(self, request, institution):
        return institution

    def title(self, institution):
        return f"{institution.short_name} opportunities bulletin"

    def items(self, institution):
        return bulletin.bulletin_for_institution(institution)
