"""The question count in the summary reads a question's wording, not just the skill layer."""

from __future__ import annotations

import pytest

from bot.engine.question_form import question_form


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("ok yeah that makes sense. so alex changing has been a lot. whats that been like",
         "part"),
        ("sounds exhausting. whats the hardest bit", "part"),
        ("Thanks for this! How are you?", "part"),
        ("do u feel left out", "whole"),
        ("hi sam, how's things at home", "whole"),
        ("and so what would make it feel fair?", "whole"),
        ("Would you come once? Or is that too much?", "whole"),
    ],
)
def test_a_message_worded_as_a_question_asks(text: str, form: str) -> None:
    assert question_form(text) == form


@pytest.mark.parametrize(
    "text",
    [
        "That sounds lonely.",
        "So you feel left out?",
        "It is what it is",
        "what you said makes sense",
        "what u said makes sense to me",
        "You are right.",
        "How you said it matters.",
        "",
    ],
)
def test_a_statement_does_not(text: str) -> None:
    assert question_form(text) is None
