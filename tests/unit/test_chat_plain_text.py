"""Text typed on a phone or spoken to voice input, read as plain words once per message."""

from __future__ import annotations

import pytest

from chatmrpt.chat.normalize import plain_text

KANO_LIKE = ["Fagge D", "D/Kudu", "Dan Agundi", "Zango", "Unguwa Uku Cikin Gari", "Kano Municipal"]


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        # shorthand
        ("hw many wards r high", "how many wards r high"),
        ("wat rank zango get", "what rank zango get"),
        ("d 2nd one, wetin be im population", "the 2nd one, wetin be its population"),
        ("pls show dis map 2morow", "please show this map tomorrow"),
        ("run it wit d default variables 4 me", "run it with the default variables for me"),
        ("go back 2 d default threshold", "go back to the default threshold"),
        ("send am 2 me", "send am to me"),
        # greetings and courtesy words around a request
        ("ina kwana. abeg run the analysis", "abeg run the analysis"),
        ("Sannu, top 5 wards", "top 5 wards"),
        ("e kaaro! show me the map", "show me the map"),
        ("Good morning sir, how many wards are there?", "how many wards are there?"),
        ("don Allah how many nets for Lida", "how many nets for Lida"),
        # voice input
        ("I T N plan for two fifty k nets", "ITN plan for 250k nets"),
        ("show the P C A ranking", "show the PCA ranking"),
        ("plan 2 point 5 million nets", "plan 2.5 million nets"),
        ("one point two million nets", "1.2 million nets"),
        ("house hold size of five", "household size of five"),
        ("four fifty thousand nets", "450 thousand nets"),
        # capitals
        ("PLAN THREE HUNDRED K NETS HH 5", "plan three hundred k nets hh 5"),
        # the letter o for a zero inside a number
        ("plan 40o,000 nets hh 5", "plan 400,000 nets hh 5"),
        ("plan 3oo,ooo hh 6", "plan 300,000 hh 6"),
        ("1,2oo,000 nets", "1,200,000 nets"),
        # domain words misspelt
        ("composite scour of zango", "composite score of zango"),
        ("wards in kano munincipal", "wards in kano municipal"),
        # plan settings in the words every reader of them reads
        ("plan 300k hh5", "plan 300k hh 5"),
        ("PLAN 300K HHSIZE6 PLEASE", "plan 300k hhsize 6 please"),
        ("plan 300k, 1 net for every 2 people", "plan 300k, 2 people per net"),
        ("two persons share a net", "2 people per net"),
        ("try hh 6 first, den we go see 7 after", "try hh 6 first, then we go see 7 after"),
    ],
)
def test_typed_text_reads_as_plain_words(typed, plain):
    assert plain_text(typed, KANO_LIKE) == plain


@pytest.mark.parametrize(
    "typed",
    [
        "plan 400,000 nets, household size 5",
        "top 2 wards",  # a number before a word is not "to"
        "give me 4 wards",
        "what is the rank of Fagge D?",  # a ward name is kept as typed
        "population of D/Kudu",
        "Dan Agundi ward",
        "hello",  # a greeting alone stays a greeting
        "sannu",
        "thank you",
        "is the PCA ranking usable?",
        "LGA 20043",
        "bale size 50",
        "100o nets",  # not a number with a zero typed as o: left alone
        "round 2 of the campaign",
        "Category D wards",  # a capital letter alone may be a category or a code
        "",
    ],
)
def test_plain_text_and_names_are_left_alone(typed):
    assert plain_text(typed, KANO_LIKE) == typed


def test_a_ward_name_made_of_shorthand_words_is_kept():
    assert plain_text("rank of fagge d pls", ["Fagge D"]) == "rank of fagge d please"
    assert plain_text("rank of d pls", ["Fagge D"]) == "rank of the please"


def test_a_request_after_a_greeting_keeps_its_numbers():
    assert plain_text("Ina wuni. plan 900000 nets avg household 5") == "plan 900000 nets avg household 5"


def test_a_greeting_with_an_honorific_is_taken_off_a_request():
    assert plain_text("e kaaro ma. run the analysis for ilorin") == "run the analysis for ilorin"
    assert plain_text("Good afternoon sir, top 5 wards") == "top 5 wards"
    assert plain_text("sannu o, list my wards") == "list my wards"


def test_every_reader_of_a_message_reads_the_settings_in_the_same_words():
    """The dialogue and the model's checks read the message through the one plain-words pass:
    the setting typed glued to its value is read the same way by both."""
    from chatmrpt.chat import normalize

    typed = "plan 300k hh5, 1 net for each 2 people, den hh 6"
    once = normalize.plain_text(typed)
    assert once == "plan 300k hh 5, 2 people per net, then hh 6"
    assert normalize.plain_text(once) == once
