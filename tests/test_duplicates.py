"""Duplicates and near-duplicates: the same text, and the same story in another outlet."""

from deployments.ingest.duplicates import find_twin
from deployments.records.models import normalized_text, text_fingerprint

WIRE = (
    "VILNIUS, Feb 9 (Reuters) - About 500 U.S. troops arrived in Lithuania on Wednesday to "
    "reinforce NATO's eastern flank, the defence ministry said. The soldiers, from the 1st "
    "Cavalry Division, will train with Lithuanian units near the border with Belarus and "
    "Russia's Kaliningrad exclave for several months, the ministry said in a statement."
)
RERUN = (
    "US troops reach Lithuania\n\n"
    + WIRE.replace("(Reuters) - ", "").replace("the ministry said", "officials said")
    + "\n\nSubscribe to our newsletter."
)
OTHER = (
    "Germany will station a brigade of about 4,800 soldiers in Lithuania by 2027, the "
    "defence ministers of both countries said on Monday after signing a roadmap in Vilnius."
)


def test_spacing_case_and_quote_marks_do_not_change_the_fingerprint():
    assert normalized_text("It\u2019s  \u201cA\u201d \u2013 b\xa0C") == 'it\'s "a" - b c'
    same = text_fingerprint("about 500 troops arrived")
    assert text_fingerprint("About 500  troops\n arrived") == same
    assert text_fingerprint("About 600 troops arrived") != same


def test_the_same_wire_story_in_another_outlet_is_its_twin():
    twin = find_twin(RERUN, [(1, OTHER), (2, WIRE)])
    assert twin is not None and twin[0] == 2 and 0.5 <= twin[1] < 1


def test_a_different_story_is_no_twin():
    assert find_twin(OTHER, [(2, WIRE), (3, RERUN)]) is None
    assert find_twin(WIRE, []) is None
