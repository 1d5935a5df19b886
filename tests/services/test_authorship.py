"""Four eyes over everyone who wrote a self-assessment, not only its last saver."""

from __future__ import annotations

import pytest

from tests.services.assurance_setup import (
    OFFICER,
    REVIEWER,
    REVIEWER2,
    RITA_PASS,
    ROB_PASS,
    setup_register,
)
from workbench.errors import PermissionDeniedError
from workbench.services import assessments
from workbench.services.authorship import authors_of


def test_a_reviewer_who_wrote_part_of_it_cannot_approve_after_an_officer_saved_last(workspace) -> None:
    f = setup_register(workspace)[0]
    with workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
        assessments.save_assessment(uow, f.stored_id, "Rita's draft of the narrative.", "in progress")
    with workspace.unit_of_work(OFFICER) as uow:
        info = assessments.save_assessment(uow, f.stored_id, "Rita's draft, tidied by Olly.", "in progress")
        assessments.submit_assessment(uow, f.stored_id)
        assert authors_of(uow, "assessment", f.id) == {REVIEWER, OFFICER}
    assert info.preparer == OFFICER and info.authors == (OFFICER, REVIEWER)
    for attempt in (lambda uow: assessments.approve_assessment(uow, f.stored_id, RITA_PASS),
                    lambda uow: assessments.return_assessment(uow, f.stored_id, "fine by me")):
        with pytest.raises(PermissionDeniedError, match="wrote part of"), \
                workspace.unit_of_work(REVIEWER, passphrase=RITA_PASS) as uow:
            attempt(uow)
    with workspace.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        assert assessments.approve_assessment(uow, f.stored_id, ROB_PASS).state == "approved"


def test_review_decisions_do_not_make_an_author(workspace) -> None:
    f = setup_register(workspace)[0]
    with workspace.unit_of_work(OFFICER) as uow:
        assessments.save_assessment(uow, f.stored_id, "Narrative.", "in progress")
        assessments.submit_assessment(uow, f.stored_id)
    with workspace.unit_of_work(REVIEWER2, passphrase=ROB_PASS) as uow:
        assessments.return_assessment(uow, f.stored_id, "Add the figures.")
        assert authors_of(uow, "assessment", f.id) == {OFFICER}
