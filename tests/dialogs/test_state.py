"""The conversation's state is plain JSON, and a state stored before keeps working."""

import json

from dialogs.schema import Survey
from dialogs.state import Phase
from tests.dialogs.script import Resident


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
