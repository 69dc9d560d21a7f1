"""What people says to `core.privacy`: secrets never exported, and how a person's identity is erased.

Imported at start-up by core's autodiscovery (`privacy` modules).
"""

from core import privacy

from . import services_privacy

privacy.register("people.User", exclude=["password"])
# The second factor's secret and recovery codes; the row itself (its kind, when used) is exported.
privacy.register("mfa.Authenticator", exclude=["data"])
privacy.register_anonymiser(services_privacy.identity_erase)
# A celebration's title names the person ("Naomi Adams is promoted to ..."): an erased person's
# are unpublished and no longer say who, the row kept like every other.
privacy.register(
    "people.Celebration",
    erase={"title": "A celebration of someone whose record was erased", "body": "", "consent": "declined"},
)
