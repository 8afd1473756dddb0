"""ConText-style assertion scope on sentences in the style of IMR case summaries."""

from __future__ import annotations

import pytest

from openimr.assist.context import Assertion, assertion_of, normalise_text, split_sentences


def _assert(sentence: str, concept: str) -> Assertion:
    start = sentence.lower().index(concept.lower())
    return assertion_of(sentence, (start, start + len(concept)))


@pytest.mark.parametrize(
    ("sentence", "concept", "expected"),
    [
        ("The applicant denies bowel or bladder incontinence.", "bowel or bladder", "negated"),
        (
            "There was no documentation of functional improvement.",
            "functional improvement",
            "negated",
        ),
        (
            "The attending provider failed to outline any improvement in function.",
            "improvement in function",
            "negated",
        ),
        ("MRI was ordered to rule out a meniscal tear.", "meniscal tear", "uncertain"),
        ("Possible radiculopathy was noted.", "radiculopathy", "uncertain"),
        ("Radiculopathy was not documented on exam.", "radiculopathy", "negated"),
        ("The applicant reported radiating pain to the left leg.", "radiating pain", "affirmed"),
        # A terminator closes the negation scope: the second clause is asserted.
        ("No red flags were present, but numbness was reported.", "numbness", "affirmed"),
        # Pseudo-trigger: "no change" does not negate what follows.
        ("There was no change in the radicular symptoms.", "radicular", "affirmed"),
    ],
)
def test_assertion_follows_trigger_scope(sentence: str, concept: str, expected: str) -> None:
    assert _assert(sentence, concept).value == expected


def test_sentences_split_on_periods_but_not_on_abbreviations() -> None:
    text = normalise_text("Seen by Dr. Smith on 11-21-\n2016. Pain was 7/10.\nNo red flags.")
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == ["Seen by Dr. Smith on 11-21-2016.", "Pain was 7/10.", "No red flags."]


def test_sentence_offsets_point_into_the_text() -> None:
    text = "First sentence. Second one here."
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
