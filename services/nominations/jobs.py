"""rq jobs of the hub: the final figures of voting and jury, and its own mails; and what its
relay runs every second or so (PERIODIC)."""

from __future__ import annotations

from services.nominations.confirmation import MAIL_NOMINEE
from services.nominations.mails import confirmation_mail, nominee_notice
from services.nominations.nominations import MAIL_CONFIRM
from services.nominations.privacy import record_answer
from services.nominations.results import store_ranking, store_tally
from services.nominations.retention import (
    erase_people_due,
    forget_exports_due,
    purge_unconfirmed,
)
from shared.backends import backends
from shared.events import Handler, apply_job
from shared.outbox_pruning import prune_acked
from shared.prepared_mail import prepared_mail_handler
from shared.schemas.contest import RANKING_FINAL, TALLY_FINAL
from shared.schemas.privacy import PRIVACY_ANSWERED
from shared.scrubbing import scrub_log

HANDLERS: dict[str, Handler] = {
    TALLY_FINAL: store_tally,
    RANKING_FINAL: store_ranking,
    MAIL_CONFIRM: prepared_mail_handler(confirmation_mail),
    MAIL_NOMINEE: prepared_mail_handler(nominee_notice),
    PRIVACY_ANSWERED: record_answer,
}

PERIODIC = (purge_unconfirmed, erase_people_due, forget_exports_due, prune_acked, scrub_log)


def apply_events(envelopes: list[dict]) -> dict:
    """rq job: apply a batch of events sent to the hub, each exactly once."""
    return apply_job(backends().sessions, envelopes, HANDLERS)
