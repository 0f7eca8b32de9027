"""Measure redaction against labelled examples, plus one-behaviour tests.

Each example pairs a resident's text with the text staff should see. The
share of personal details removed counts every tag in the expected texts and
how many of them the redacted text also has; the target is 98%. Examples with
nothing personal in them must come back unchanged.
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.language.lexicon import load_lexicon
from dialogs.redact import Redactor
from dialogs.redact_kinds import KINDS

# The redactor the bot runs: the patterns, the names lists and the gazetteer.
REDACTOR = Redactor(load_lexicon())
redact = REDACTOR.redact
found = REDACTOR.found

DATA = Path(__file__).parent.parent / "data" / "redaction_examples.tsv"
TAG = re.compile(r"\[(" + "|".join(re.escape(kind) for kind in KINDS) + r")\]")
MIN_SHARE_REMOVED = 0.98
MIN_EXAMPLES = 120
MIN_UNCHANGED = 30
MIN_PER_KIND = 3


@dataclass(frozen=True)
class Example:
    """A resident's text, what staff should see, and what redaction gave."""

    text: str
    expected: str
    got: str

    @property
    def expected_tags(self) -> Counter[str]:
        """Tags the expected text holds, by kind."""
        return Counter(TAG.findall(self.expected))

    @property
    def removed(self) -> Counter[str]:
        """Expected tags that the redacted text also holds, by kind."""
        return self.expected_tags & Counter(TAG.findall(self.got))

    @property
    def extra(self) -> Counter[str]:
        """Tags in the redacted text that were not expected, by kind."""
        return Counter(TAG.findall(self.got)) - self.expected_tags

    @property
    def unchanged(self) -> bool:
        """True for examples with nothing personal in them."""
        return self.text == self.expected


def _read_examples() -> Iterator[tuple[str, str]]:
    """(text, expected) pairs from the labelled examples."""
    with DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield row["text"], row["expected"]


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    """Every labelled example, redacted."""
    return [Example(text, expected, redact(text)) for text, expected in _read_examples()]


def _share_removed(examples: list[Example]) -> float:
    """Share of expected personal details that redaction removed."""
    expected = sum(sum(e.expected_tags.values()) for e in examples)
    removed = sum(sum(e.removed.values()) for e in examples)
    return removed / expected


def _table(examples: list[Example]) -> str:
    """The measured figures, one line per kind of detail."""
    expected: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    extra: Counter[str] = Counter()
    for example in examples:
        expected += example.expected_tags
        removed += example.removed
        extra += example.extra
    plain = [e for e in examples if e.unchanged]
    exact = sum(e.got == e.expected for e in examples)
    lines = [
        f"redaction on {len(examples)} examples: {exact} exactly as expected",
        f"{'kind':<16}{'expected':>9}{'removed':>9}{'unexpected tags':>17}",
    ]
    lines += [f"{kind:<16}{expected[kind]:>9}{removed[kind]:>9}{extra[kind]:>17}" for kind in KINDS]
    lines.append(f"share of personal details removed: {_share_removed(examples):.1%}")
    changed = sum(e.got != e.text for e in plain)
    lines.append(f"examples with nothing personal: {len(plain)}, changed: {changed}")
    return "\n".join(lines)


def test_prints_the_measured_figures(
    examples: list[Example], capsys: pytest.CaptureFixture[str]
) -> None:
    table = _table(examples)
    with capsys.disabled():
        print("\n" + table)
    assert "share of personal details removed" in table


def test_the_examples_cover_every_kind_several_times(examples: list[Example]) -> None:
    totals: Counter[str] = Counter()
    for example in examples:
        totals += example.expected_tags
    thin = {kind: totals[kind] for kind in KINDS if totals[kind] < MIN_PER_KIND}
    assert not thin
    assert len(examples) >= MIN_EXAMPLES
    assert sum(e.unchanged for e in examples) >= MIN_UNCHANGED


def test_at_least_98_percent_of_personal_details_are_removed(examples: list[Example]) -> None:
    missed = [(e.text, e.got) for e in examples if e.removed != e.expected_tags]
    assert _share_removed(examples) >= MIN_SHARE_REMOVED, missed


def test_text_without_personal_details_is_unchanged(examples: list[Example]) -> None:
    changed = [(e.text, e.got) for e in examples if e.unchanged and e.got != e.text]
    assert not changed


def test_redacting_twice_changes_nothing_more(examples: list[Example]) -> None:
    assert [redact(e.got) for e in examples] == [e.got for e in examples]


# One behaviour each ----------------------------------------------------------


def test_email_is_tagged() -> None:
    assert redact("email me at d.patel@btinternet.com") == "email me at [email]"


def test_spelt_out_email_is_tagged() -> None:
    assert redact("karen dot white at hotmail dot com") == "[email]"


@pytest.mark.parametrize(
    "email",
    [
        "jo.bloggs at gmail dot com",
        "jo.bloggs at gmail.com",
        "j.tanaka at herts-care dot org",
        "dave.h72 at example dot co dot uk",
        "jane (at) doddsfamily (dot) co (dot) uk",
        "t.okonkwo[at]gmail[dot]com",
        "dazza_88 @ hotmail . co . uk",
        "sam.hurst@outlook co uk",
        "mike. hollis@gmail.com",
        "kaz@hotmail",
        "j.smith at company.co.uk",
        "bob99 at live",
        "jo @ gmail dot com",
        "jo at gmail . com",
        "jo.bloggs@hotmailcom",
        "gary_1975@hotmail,co.uk",
        "tom.hardy[@]gmail.com",
    ],
)
def test_emails_spelt_out_spaced_or_cut_short_are_tagged(email: str) -> None:
    assert redact(f"reply to {email} please") == "reply to [email] please"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("email me at jsmith at gmail", "email me at [email]"),
        ("email address jo.smith please", "email address [email] please"),
        ("email me on jsmith99", "email me on [email]"),
        ("email me at work", None),
        ("contact: jsmith at gmail", "contact: [email]"),
        ("reach me on k.reid99", "reach me on [email]"),
        ("jsmith at gmail please", "[email] please"),
        ("email me at john dot smith at gmail", "email me at [email]"),
        ("kbrown (at) gmail", "[email]"),
        ("my son works at yahoo", None),
        ("i was at hotmail for years", None),
        ("contact me at home", None),
        ("prefer email contact. A girl in year 4", None),
    ],
)
def test_an_address_after_the_word_email_is_tagged(text: str, expected: str | None) -> None:
    assert redact(text) == (expected or text)


@pytest.mark.parametrize(
    "text",
    [
        "i reported it at actionfraud.police.uk",
        "look at www.herts.police.uk for the times",
        "i was @ the co op",
        "we met at home dot dot dot",
        "ring me at 7.30 at work",
        "reported it at herts.police.uk",
        "i was at home . com",
    ],
)
def test_websites_and_at_signs_that_are_not_emails_are_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "number",
    ["07700 900123", "07700-900-123", "+44 7700 900123", "(01923) 960 456", "020 7946 0018"],
)
def test_uk_phone_numbers_are_tagged(number: str) -> None:
    assert redact(f"ring me on {number} please") == "ring me on [phone] please"


def test_international_phone_number_is_tagged() -> None:
    assert redact("my sister is on +353 87 123 4567") == "my sister is on [phone]"


def test_helpline_and_short_numbers_are_kept() -> None:
    text = "I called 101, then 999, then the helpline on 0808 2000 247"
    assert redact(text) == text


@pytest.mark.parametrize("postcode", ["al1 3ab", "WD17 1DS", "SG12 9HX", "sg61ab"])
def test_postcodes_are_tagged_in_any_case_with_or_without_the_space(postcode: str) -> None:
    assert redact(f"I live in {postcode}") == "I live in [postcode]"


def test_times_are_not_postcodes() -> None:
    assert redact("I waited from 9am to 11am") == "I waited from 9am to 11am"


def test_ni_number_is_tagged() -> None:
    assert redact("my NI number is QQ 12 34 56 C") == "my NI number is [ni-number]"


def test_ni_number_without_its_final_letter_is_tagged_after_ni() -> None:
    assert redact("national insurance number is QQ123456") == (
        "national insurance number is [ni-number]"
    )


@pytest.mark.parametrize("plate", ["AB12 CDE", "ab12cde", "P123 ABC"])
def test_vehicle_registrations_are_tagged(plate: str) -> None:
    assert redact(f"the car was {plate}") == "the car was [vehicle-reg]"


def test_road_names_are_not_vehicle_registrations() -> None:
    assert redact("the A1 near Hatfield and the M25") == "the A1 near Hatfield and the M25"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the car with him was R 789 KLM", "the car with him was [vehicle-reg]"),
        ("its the red van D 312 RFG again", "its the red van [vehicle-reg] again"),
        ("car kp-15-wzn been abandoned", "car [vehicle-reg] been abandoned"),
        ("reg number E-451-JNB", "reg number [vehicle-reg]"),
        ("an old jag, ABC 123D", "an old jag, [vehicle-reg]"),
        ("white BMW, registration Bf 19 Gxa", "white BMW, registration [vehicle-reg]"),
        ("the reg started with AY68", "the reg started with [vehicle-reg]"),
        ("reg ending in XTR", "reg ending in [vehicle-reg]"),
        (
            "the registration was FE07 BOA on a grey kia",
            "the registration was [vehicle-reg] on a grey kia",
        ),
    ],
)
def test_plates_with_odd_spacing_case_or_older_styles_are_tagged_near_a_vehicle(
    text: str, expected: str
) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the van broke down on the m25 jct 21",
        "the van came on 12 feb",
        "the car park is a 10 min walk",
        "car doing 40 mph past the school",
    ],
)
def test_units_dates_and_roads_near_a_vehicle_are_not_plates(text: str) -> None:
    assert redact(text) == text


def test_card_number_is_tagged_when_the_checksum_passes() -> None:
    assert redact("card 4111 1111 1111 1111 was cloned") == "card [card-number] was cloned"


def test_long_number_failing_the_checksum_is_not_a_card_but_still_removed() -> None:
    assert redact("order 4111 1111 1111 1112") == "order [number]"


def test_street_address_is_tagged() -> None:
    assert redact("flat 3, 45 london road") == "[address]"


def test_durations_are_not_addresses() -> None:
    text = "I called 3 times in 2 weeks and waited 40 minutes on the road"
    assert redact(text) == text


def test_date_of_birth_is_tagged() -> None:
    assert redact("my dob is 1 March 1990") == "my dob is [date-of-birth]"


def test_dates_not_about_birth_are_kept() -> None:
    text = "on 12 May I called, and last March I emailed"
    assert redact(text) == text


def test_name_after_my_name_is_is_tagged() -> None:
    assert redact("my name is John Smith") == "my name is [name]"


def test_lower_case_name_after_a_clear_lead_in_is_tagged() -> None:
    assert redact("im called sam") == "im called [name]"


def test_place_after_a_name_is_kept() -> None:
    assert redact("this is Dave from Hitchin") == "this is [name] from Hitchin"


@pytest.mark.parametrize(
    "text",
    [
        "I'm happy with 101",
        "I'm not sure",
        "I'm a pensioner",
        "I'm 67",
        "I'm Disappointed with the website",
        "I'm from Stevenage",
        "this is a good idea",
        "call me old fashioned",
    ],
)
def test_ordinary_words_after_a_lead_in_are_not_names(text: str) -> None:
    assert redact(text) == text


def test_found_lists_the_kinds_in_reading_order() -> None:
    text = "I'm Sarah, ring 07700 900123 or email s.j@gmail.com"
    assert found(text) == ["name", "phone", "email"]


def test_found_ignores_tags_already_present() -> None:
    assert found("[phone] or 07700 900123") == ["phone"]


def test_found_is_empty_without_personal_details() -> None:
    assert found("the front counter in Watford is never open") == []


# Names from the lists and the words around them ------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PC Dave Jones came round", "PC [name] came round"),
        ("my neighbour Dave Jones reported it", "my neighbour [name] reported it"),
        ("my son Tom set it up", "my son [name] set it up"),
        ("spoke to sarah at the front desk", "spoke to [name] at the front desk"),
        ("Regards, Margaret", "Regards, [name]"),
        ("Priya here, the website is fine", "[name] here, the website is fine"),
        ("ask for Colin next time", "ask for [name] next time"),
        ("Sgt Okonkwo was brilliant", "Sgt [name] was brilliant"),
        ("regards, A.K. Mensah", "regards, [name]"),
        ("R. J. Featherstonehaugh", "[name]"),
        ("L. van der Berg, Harpenden", "[name], Harpenden"),
        # Common first names that are also words, from the project's own list.
        ("Poppy here, year 11 at the school", "[name] here, year 11 at the school"),
        ("my husband Paddy reported it", "my husband [name] reported it"),
        # Names from the per-locale lists, in lower case or after a title.
        ("spoke to aurelija on the phone", "spoke to [name] on the phone"),
        ("my neighbour Mrs Ozturk saw it", "my neighbour Mrs [name] saw it"),
        # Lower-case names that are also words, after a relation or at a sign-off.
        ("my mate ash got jumped outside", "my mate [name] got jumped outside"),
        ("cheers paddy", "cheers [name]"),
        ("ty mo", "ty [name]"),
        # A first name and kisses to end a message.
        ("Faith x", "[name] x"),
        ("love, Hope xx", "love, [name] xx"),
        # After a title typed in lower case, with or without an initial.
        ("thank u pc khan ur a legend", "thank u pc [name] ur a legend"),
        ("the officer was pc r kaur", "the officer was pc [name]"),
        ("Bob from 10 Beechwood Road", "[name] from [address]"),
        ("spoke to sophie-louise at the desk", "spoke to [name] at the desk"),
        # A first name and a surname that are both words, in lower case or shouted.
        ("i am john smith and i live in Ware", "i am [name] and i live in Ware"),
        ("mr john smith", "mr [name]"),
        ("john smith", "[name]"),
        ("MR JOHN SMITH", "MR [name]"),
        ("Sarah smith from Ware rang", "[name] from Ware rang"),
        ("PC SMITH WAS RUDE", "PC [name] WAS RUDE"),
        ("my support worker Blessing came with me", "my support worker [name] came with me"),
        # A name just before its owner's phone number or email.
        ("ring Rose on 07700 900123", "ring [name] on [phone]"),
        ("Mo - mo.farouk88@hotmail.com", "[name] - [email]"),
        ("Uncle Tony came round", "Uncle [name] came round"),
        # Names in a list after one already found.
        ("my sons tom and jack were there", "my sons [name] and [name] were there"),
        ("PC Smith and may I say", "PC [name] and may I say"),
        ("from the Nguyen family, Stevenage", "from the [name] family, Stevenage"),
        ("i spoke 2 a woman called sue", "i spoke 2 a woman called [name]"),
        ("me mate josh got jumped", "me mate [name] got jumped"),
        ("cheers mate, dean", "cheers mate, [name]"),
        ("spoke to PC 1234 Smith", "spoke to PC 1234 [name]"),
        ("my 15 year old son tom was robbed", "my 15 year old son [name] was robbed"),
        ("love from nanny pat x", "love from nanny [name] x"),
        ("Patience Mbeki, Waltham Cross", "[name], Waltham Cross"),
        ("Pastor Femi runs the youth club", "Pastor [name] runs the youth club"),
    ],
)
def test_names_are_found_by_the_lists_and_the_words_around_them(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I live in St Albans and work in Hemel Hempstead",
        "the station in Bishop's Stortford is never open",
        "Mark my words, nobody reads these",
        "Will they ever answer the phone?",
        "Action Fraud and Victim Support were helpful",
        "my son will ring them tomorrow",
        "Christmas Eve I waited 2 hours",
        "we're in the AL1 area",
        "the lads hang around outside the shops",
        "the 84 bus from St Albans to Barnet is always late",
        "over 50, disabled, Hertsmere",
        "a poppy appeal stall in Tring",
        "nae bother",
        "tak, good idea for me",
        "thanks love",
        "cheers bud",
        "thanks again x",
        "we need a pcso back in Kings Langley",
        "The PCSO speak to me nicely",
        "my son did it and my dad went",
        "THE PC WAS RUDE",
        "the Royal family",
        "an officer called round to return my sat nav",
        "call me mate, then",
        "Grace Church, Hitchin",
        "Nurse here, I work shifts",
        "Mobile: [phone]",
    ],
)
def test_places_and_words_that_look_like_names_are_kept(text: str) -> None:
    assert redact(text) == text


def test_a_town_after_an_address_is_kept() -> None:
    assert redact("12 Hatfield Road St Albans") == "[address] St Albans"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my crime number is 41/23817/25", "my crime number is [crime-ref]"),
        ("Action Fraud gave me NFRC2403012345", "Action Fraud gave me [crime-ref]"),
        ("sort code 20-45-77 account 41029384", "sort code [bank-details] account [bank-details]"),
        ("the car was ab12-cde", "the car was [vehicle-reg]"),
        ("the car was AB 12 CDE", "the car was [vehicle-reg]"),
        ("ring 07 70 09 00 12 3", "ring [phone]"),
        ("I live at 14 The Maltings", "I live at [address]"),
        ("it's number 9 on ridgeway", "it's [address]"),
        ("we are at Hilltop, Kettle Green Lane, Much Hadham", "we are at [address], Much Hadham"),
        ("log 1234 of 12/03/25 was closed", "log [crime-ref] was closed"),
        ("incident 456 of the 3rd May", "incident [crime-ref]"),
        ("they gave me 41-22319-25", "they gave me [crime-ref]"),
        ("it was HP/12345/25", "it was [crime-ref]"),
        ("NFRC 2409 3387 1120", "[crime-ref]"),
        ("they took 404784 / 11447788", "they took [bank-details] / [number]"),
        ("details are 20 00 00 / 55779911", "details are [bank-details] / [number]"),
        ("IBAN GB29 NWBK 6016 1331 9268 19 please", "IBAN [bank-details] please"),
        ("sort code 20/45/77", "sort code [bank-details]"),
        ("sc: 20-45-77", "sc: [bank-details]"),
        ("sort-code 20-45-77", "sort-code [bank-details]"),
        ("the account was 41029384", "the account was [bank-details]"),
    ],
)
def test_references_bank_details_plates_phones_and_addresses_are_removed(
    text: str, expected: str
) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Ranges of house numbers.
        ("the flats at 37-39 Queensway have needles", "the flats at [address] have needles"),
        ("broken into at 12-14 The Parade", "broken into at [address]"),
        ("taken from 2-4 Fore Street Hertford", "taken from [address] Hertford"),
        # A street's name that holds a street word, and a street's end.
        ("Flat 9, 17 Bushey Grove Road", "[address]"),
        ("its 42 St Albans Road East, Hatfield", "its [address], Hatfield"),
        # House names after "live at", "address is", "moved into".
        (
            "I have lived at Oakleigh, Bramfield, for years",
            "I have lived at [address], Bramfield, for years",
        ),
        ("we live at the old forge in little hadham", "we live at [address] in little hadham"),
        ("WE LIVE AT THE STABLES, ALDBURY", "WE LIVE AT [address], ALDBURY"),
        ("address is The Granary, Wyddial", "address is [address], Wyddial"),
        ("new people moved into Orchard View and", "new people moved into [address] and"),
        # After "we're at" or "a break in at", only with a place after the name.
        ("we are at Little Orchard near Much Hadham", "we are at [address] near Much Hadham"),
        ("a break in at Thistledown, Ashwell", "a break in at [address], Ashwell"),
        (
            "saw men in the garden at Oakleigh, Chipperfield",
            "saw men in the garden at [address], Chipperfield",
        ),
        ("Little Orchard, Sarratt", "[address], Sarratt"),
        # A house's name just before its address or postcode, a block's just after.
        ("Hillcrest, 14 Nup End Lane, Knebworth", "[address], Knebworth"),
        ("the annexe, 6 Pondwick Road, Harpenden", "[address], Harpenden"),
        ("details: The Willows, SG12 7QT", "details: [address], [postcode]"),
        ("i'm in flat 9b, the maltings in ware", "i'm in [address] in ware"),
        ("they live at 14 St. Peters Street in St Albans", "they live at [address] in St Albans"),
        ("my address is flat 7 block b", "my address is [address]"),
        ("7 Hill End Farm Cottages", "[address]"),
        ("22 long mead, stevenage", "[address], stevenage"),
        ("i live at 14 elmwood and the kids", "i live at [address] and the kids"),
        ("flat 12 Wynyard court", "[address]"),
        ("the flat is 2/14 high street", "the flat is [address]"),
        ("the house is 88 Longmeadow, everyone knows", "the house is [address], everyone knows"),
        ("Flat 3/12 Bridge Road", "[address]"),
        ("house name is Beechwood", "house name is [address]"),
        ("our house, Rosedene, was broken into", "our house, [address], was broken into"),
        ("it was outside number 72 on the corner", "it was outside [address] on the corner"),
        ("the man at number 7 keeps shouting", "the man at [address] keeps shouting"),
        (
            "we're at no 14 and the noise is next door",
            "we're at [address] and the noise is next door",
        ),
    ],
)
def test_addresses_without_a_street_word_or_with_a_range_are_removed(
    text: str, expected: str
) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I live at the top of the hill in Ware", None),
        ("we are at the Lister in Stevenage", None),
        ("we stay at Premier Inn Stevenage", None),
        ("I live at Hitchin and work in Ware", None),
        ("I was number 14 in the queue for 40 minutes", None),
        ("at no point did anyone call back", None),
        ("Watford won 2-1 on Saturday", None),
        ("I lived at 10 years in Ware", None),
        ("we live at 5 mins from the station", None),
        ("a police car outside my house, I'd rather go to them", None),
        ("at Tesco, Hitchin", None),
        ("Hitchin Road, Stotfold", None),
        ("Kings Langley", None),
        ("on 12/03 the road was shut", None),
        ("went to 3 Hatfield shops", None),
        ("the 301 Stevenage bus", None),
        ("at 3.30 the road was blocked", None),
        ("Based in Berkhamsted. A man at the church", None),
        ("101 put me at number 3 in the queue", None),
        ("101 takes too long to answer", None),
        ("[address], the other day in Hitchin", None),
        ("Mum and Dad, 14 High St", "Mum and Dad, [address]"),
    ],
)
def test_places_shops_and_people_near_an_address_are_kept(text: str, expected: str | None) -> None:
    assert redact(text) == (expected or text)


def test_helplines_the_bot_gives_out_are_kept() -> None:
    text = "the helpline 0808 2000 247 was very good and so was 116 123"
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "they asked for my DOB on the phone, its 21/06/88",
            "they asked for my DOB on the phone, its [date-of-birth]",
        ),
        ("born on the 7th of March 1989 in Stevenage", "born on [date-of-birth] in Stevenage"),
        ("D.O.B : 15-Jul-1979", "D.O.B : [date-of-birth]"),
        (
            "my dob is 01/02/1970 and my wife's 11/11/74",
            "my dob is [date-of-birth] and my wife's [date-of-birth]",
        ),
    ],
)
def test_dates_of_birth_are_found_near_a_mention_of_birth(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "my dob is the 2nd of the 2nd 1962",
        "dob 12 03 1985",
        "DOB: 120385",
        "d.o.b 12031985",
        "my dob, which is 12th march",
        "dob 1979",
        "year of birth: 1962",
        "birthdate 19790312",
        "dob 03/1979",
        "my date of birth is the fourteenth of July 1982",
        "my birthday is the 1st of january",
    ],
)
def test_dates_of_birth_in_words_spaced_or_run_together_are_tagged(text: str) -> None:
    assert redact(text).endswith("[date-of-birth]")


@pytest.mark.parametrize(
    "text",
    [
        "the 3rd of the 4th was when",
        "case 12 of them were closed",
        "my birthday 2019 was ruined",
        "on the fourteenth of July I rang 101",
    ],
)
def test_ordinal_dates_and_counts_without_a_cue_are_kept(text: str) -> None:
    assert redact(text) == text


def test_a_recent_date_after_a_birthday_is_kept() -> None:
    text = "my birthday party was ruined, we were burgled on 06/05/24"
    assert redact(text) == text


def test_a_very_long_answer_is_redacted_quickly() -> None:
    # The cues before each word are looked for a few words back, not in the whole answer.
    text = "x dot " * 3000 + "word " * 3000
    start = time.perf_counter()
    redact(text)
    assert time.perf_counter() - start < 10
