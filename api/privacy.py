"""What the API app says to `core.privacy`: a token's hashed secret is never exported."""

from core import privacy

privacy.register("api.ServiceToken", exclude=["secret_hash", "prefix"])
