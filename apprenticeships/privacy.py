"""What apprenticeships says to `core.privacy`: an invitation's token (hashed) is never exported."""

from core import privacy

privacy.register("apprenticeships.ProviderContact", exclude=["token_hash"])
