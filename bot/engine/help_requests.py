"""Messages meant for the bot, not the partner: "what am i supposed to do here?"

A trainee on a phone who is lost types the question into the chat. Read as a
message to Sam it was "not understood", and Sam answered "Can you say that
another way?" in character, while the hint that answers it sat one command
away (thirtieth play-test). Only whole messages that ask what to do count:
"what do you need from me?" is a question to Sam.
"""

from __future__ import annotations

import re

_HELP = re.compile(
    r"^(?:(?:um+|uh+|ok(?:ay)?|so|hmm+|sorry|wait|erm?)[\s,.]+)*"
    r"(?:help(?: me)?(?: please| pls)?|i need (?:some )?help|(?:i'?m|i am|im) (?:a bit )?stuck"
    r"|what (?:am i|are we) (?:supposed|meant|expected) to (?:do|say|write|be doing)"
    r"|what (?:do|should) i (?:do|say|write|type)(?: to (?:sam|him|her|them))?"
    r"|how (?:does|do) (?:this|the) (?:app|bot|game|exercise) work"
    r"|how does this work"
    r"|how do i (?:play|start|do this|use this)"
    r"|what(?:'s| is) (?:the (?:goal|aim|task)|my (?:goal|task|role))(?: of this| here)?"
    # Not a bare "I don't know what to say", a natural answer to a disclosure,
    # nor "what can I do?" or "what now?", which Sam may be asked (review).
    r"|(?:idk|i don'?t know|i dont know) what to (?:say|do|write) (?:here|next|now)"
    # "is this working?" asks about the tool (thirty-second play-test).
    r"|is (?:this|it|the bot|this thing) (?:even )?working)"
    r"(?: here| now| next| then)?(?: exactly)?"
    # "idk what to do now, help?" (thirty-second play-test: read as pressure).
    r"(?:[\s,.!?-]+(?:help|pls|please|lol|sorry))*\s*[?!.]*\s*$",
    re.IGNORECASE)


def asks_for_help(text: str) -> bool:
    """Whether the whole message asks the bot what to do."""
    return bool(_HELP.match(text.strip().replace("\u2019", "'")))
