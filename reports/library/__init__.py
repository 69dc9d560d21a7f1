"""The reports of the catalogue, one module each; importing this package registers them.

A new report is a module here with one `@report(...)` function calling its app's selectors;
import it below."""

from . import apprenticeships, authorships, equality, leavers, promotions, registration, training  # noqa: F401
