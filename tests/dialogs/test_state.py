"""The conversation's state is plain JSON, and a state stored before keeps working."""

import copy
import json

import pytest

from dialogs import engine
from dialogs.schema import Survey
from dialogs.state import Phase, load
from tests.dialogs.script import DURING, Resident


def test_a_phase_is_stored_as_its_string(resident: Resident) -> None:
    resident.says("yes")
    stored = json.loads(json.dumps(resident.state))
    assert stored["phase"] == "asking"
    assert stored["phase"] == Phase.ASKING


def test_a_conversation_read_back_from_json_carries_on_where_it_was(survey: Survey) -> None:
    resident = Resident(survey).says("yes", "I live here")
    resident.state = json.loads(json.dumps(resident.state))
    resident.says("I rang 101")
    assert resident.recorded["channels"] == ["call_101"]
    assert resident.phase == Phase.ASKING


# A conversation stopped at its third question, as the engine stored it before the state's
# keys were named: it must load, and go back into the store the same.
STORED = (
    '{"v": 1, "survey": "herts-non-emergency-contact", "version": 2, "phase": "stopped", '
    '"at": ["preferred", "website"], "answers": {"connection": {"value": "live", "raw": '
    '"I live here"}, "channels": {"value": ["website", "call_101"], "raw": "I rang 101 and '
    'used the website"}}, "shown": [], "misses": 0, "returning": false, "flags": [], '
    '"reference": null, "seen": "2026-11-28T12:00:00+00:00", "before_stop": "asking"}'
)


def test_a_stored_state_loads_and_is_stored_again_the_same() -> None:
    loaded = load(json.loads(STORED))
    assert loaded["phase"] is Phase.STOPPED
    assert loaded.get("before_stop") is Phase.ASKING
    assert json.dumps(loaded) == STORED


def test_a_stored_state_carries_on_where_it_stopped(survey: Survey) -> None:
    resident = Resident(survey)
    resident.state = json.loads(STORED)
    resident.says("continue")
    assert resident.asked == "preferred"
    assert resident.state["at"] == ["preferred", "website"]
    after = json.loads(json.dumps(resident.state))
    assert set(after) == set(json.loads(STORED)) - {"before_stop"}
    resident.says("yes")
    assert resident.recorded["preferred|website"] == "yes"


def test_a_turn_leaves_the_state_it_was_given_unchanged(survey: Survey) -> None:
    stored = json.loads(STORED)
    given = copy.deepcopy(stored)
    engine.turn(survey, stored, engine.Incoming("continue", DURING, redacted="continue"))
    assert stored == given


@pytest.mark.parametrize("phase", ["declined", "taken_part", "erased", "stopped"])
def test_a_code_that_does_not_work_after_the_survey_says_where_they_are(
    survey: Survey, phase: str
) -> None:
    stored = {**engine.new_state(survey), "phase": phase}
    outcome = engine.code_not_recognised(survey, stored, DURING)
    texts = [m.get("text", "") for m in outcome.messages]
    assert texts[0].startswith("That code did not work")
    assert len(texts) >= 2
