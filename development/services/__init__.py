"""Writes of development data: every change of state goes through one function here.

    from development import services
    services.request_decide(request=..., by=..., decision=..., reason=...)

The functions live by subject (`requests`, `records`, `imports`, `reports`, `reminders`,
`policy`); this package names them all, so callers never need to know which module holds one.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from .imports import (
    COMPLETIONS_MAX,
    IMPORT_MAX_ROWS,
    CompletionResult,
    training_completions_receive,
    training_import_check,
    training_import_commit,
    training_import_start,
)
from .policy import guidance_publish, policy_save
from .records import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPES,
    RECORD_NOTE_FIELDS,
    evidence_check,
    log_off_the_job,
    records_csv_rows,
    training_record_delete,
    training_record_log,
    training_record_update,
)
from .reminders import approval_reminders_send, nothing_recorded_send
from .requests import (
    REQUEST_FIELDS,
    delegate_end,
    delegate_set,
    request_approve_many,
    request_cancel,
    request_check,
    request_complete,
    request_create,
    request_decide,
    request_update,
)

__all__ = [
    "COMPLETIONS_MAX",
    "CompletionResult",
    "training_completions_receive",
    "EVIDENCE_MAX_BYTES",
    "EVIDENCE_TYPES",
    "IMPORT_MAX_ROWS",
    "RECORD_NOTE_FIELDS",
    "REQUEST_FIELDS",
    "PermissionDenied",  # what the services raise, named here for their callers
    "ValidationError",
    "approval_reminders_send",
    "delegate_end",
    "delegate_set",
    "evidence_check",
    "guidance_publish",
    "log_off_the_job",
    "nothing_recorded_send",
    "policy_save",
    "records_csv_rows",
    "request_approve_many",
    "request_cancel",
    "request_check",
    "request_complete",
    "request_create",
    "request_decide",
    "request_update",
    "training_import_check",
    "training_import_commit",
    "training_import_start",
    "training_record_delete",
    "training_record_log",
    "training_record_update",
]
