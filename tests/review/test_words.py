"""The words and phrases used most in typed answers."""

from __future__ import annotations

from bot.review.words import frequent, tokens


def test_redaction_tags_are_not_words() -> None:
    found = frequent(
        [
            "ring [name] on [phone] about the [vehicle-reg] outside [address]",
            "my neighbour [name] called 101",
            "[date-of-birth] [postcode]",
        ]
    )
    words = {w["text"] for w in found["words"]}
    assert not words & {"name", "phone", "vehicle", "reg", "address", "date", "birth", "postcode"}
    assert {"ring", "neighbour", "101"} <= words


def test_a_phrase_does_not_run_across_a_removed_detail() -> None:
    found = frequent(["call [name] back please", "call [name] back soon"])
    assert "call back" not in {p["text"] for p in found["phrases"]}


def test_each_answer_counts_once_for_a_word() -> None:
    found = frequent(["webchat webchat webchat", "webchat at night"])
    assert {"text": "webchat", "answers": 2} in found["words"]
    assert tokens("Call [name] on 101") == ["call", "on", "101"]
