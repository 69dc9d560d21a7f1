from core.jobs import retrying_task

from . import services


@retrying_task
def prune_token_calls():
    """Daily (beat): forget calls older than API_CALL_LOG_DAYS from the tokens' call logs."""
    return services.token_calls_prune()
