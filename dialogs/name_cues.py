"""The words around a name that show it is one: titles, relations, introductions, sign-offs.

Each cue is a pattern on the text just before a word ("my neighbour", "spoke
to", "Regards,") or just after it ("here", "from the SNT", "and me"), or a list
of words that are never names, or only sometimes. `dialogs.names` weighs them.
"""

from __future__ import annotations

import re

# Words that are never a name, however they are written or whatever comes before them.
NEVER_NAMES = frozenset(
    """
    a an the and or but so of on in at to for from with by about as into over under
    here there this that these those it its is was be been being am are were do did
    i im me my we our you your he she they them his her their who what when where
    why how which not no yes yeah yep nope never just really very quite also still
    now always only even too already again ever sometimes usually then than if
    ok okay fine good great thanks thank hi hello hey please cheers regards bye sir madam
    all both each every any some one two three four five six seven eight nine ten
    mr mrs ms miss mx dr pc dc ds di sgt pcso insp supt officer constable sergeant
    inspector detective police staff team council website webchat video chat online
    phone call calls called email emails text texts message messages form forms app
    monday tuesday wednesday thursday friday saturday sunday weekend today tomorrow
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    nhs gp uk herts hertfordshire england britain london facebook twitter instagram
    whatsapp tiktok snapchat youtube google nextdoor
    mum dad son daughter husband wife partner friend neighbour neighbours brother sister
    said says told asked rang called came went got get had has have did does would could
    should can might must shall lovely kind nice helpful rude brilliant
    im ive id ill dont doesnt didnt cant wont isnt wasnt arent werent couldnt wouldnt
    shouldnt hasnt havent hadnt youre theyre weve were thats whats theres
    ta ty thx lol lmao omg btw tbh idk imo fyi pls plz xx xxx ni nino dob ref
    english scottish welsh irish british polish french spanish italian german portuguese
    romanian bulgarian lithuanian latvian turkish kurdish urdu punjabi bengali hindi
    gujarati tamil arabic chinese cantonese mandarin somali tigrinya albanian greek
    russian ukrainian african caribbean asian european muslim christian sikh hindu jewish
    scotland wales ireland europe america africa asia india pakistan bangladesh poland
    romania nigeria ghana somalia turkey china
    christmas easter ramadan eid diwali hanukkah halloween bonfire boxing
    kia porsche dacia
    thames valley met metropolitan essex kent sussex surrey midlands yorkshire lancashire
    cambridgeshire bedfordshire buckinghamshire northamptonshire norfolk suffolk
    """.split()
)

# Greetings before a name ("Hi Sarah") and modal verbs that are also names ("my son will").
GREETINGS = frozenset("hi hello hey dear thanks cheers regards morning evening afternoon".split())
MODALS = frozenset("will may can must".split())
TITLES = frozenset(
    """
    mr mrs ms miss mx dr pc dc ds di dci dsi sgt sergeant pcso insp inspector supt
    superintendent constable officer detective cllr councillor rev reverend father
    sister prof professor sir dame lady lord pastor imam rabbi
    uncle aunt auntie aunty nan nana nanna nanny gran granny grandma grandad grandpa grampy
    """.split()
)
RELATIONS = frozenset(
    """
    neighbour neighbor son daughter husband wife partner ex friend mum mom dad mother
    father brother sister boss colleague landlord landlady carer boyfriend girlfriend
    nephew niece cousin uncle aunt auntie grandson granddaughter grandad grandma nan
    lodger flatmate housemate mate fiance fiancee stepson stepdaughter stepdad stepmum
    child kid baby manager teacher tenant bf gf hubby missus fella bestie lad
    worker nurse solicitor advocate counsellor therapist classmate roommate pal coworker
    supervisor employer
    """.split()
)
# "me mate josh", "ma nan", "ur officer": possessives as people type them too.
_POSSESSIVE = r"(?:my|our|his|her|their|the|a|me|ma|ur|yer)"
# Lead-ins after which the next words are a name when they can be one.
INTRO = re.compile(
    r"(?i:\b(?:dealt with by|dealing with|called|this is|it(?:'|\u2019)?s"
    r"|i(?:'|\u2019)?m|i am|from|love|regards|thanks|thank you|cheers|ta|many thanks"
    r"|best wishes|kind regards|yours(?: faithfully| sincerely| truly)?|sincerely|signed)"
    r"[\s,:.!-]*)$"
)
# After these, whatever word comes next is a name ("my name is gillian hart").
NAMING = re.compile(r"(?i:\b(?:my name(?: is|'s|s)|name(?: is|'s| was|\s*:))[\s,:.!-]*)$")
# After these, a listed first name is a name even when it is also a word ("spoke to will").
TALKED_TO = re.compile(
    r"(?i:\b(?:ask for|asked for|speak to|spoke to|spoken to|speaking to|talk to|talked to"
    r"|talking to|chat to|chatted to|deal with|dealt with|contact|contacted|call me|known as"
    r"|i(?:'|\u2019)?m called|named"
    # "a woman called sue", "some bloke named will".
    r"|(?:man|woman|lady|guy|bloke|girl|boy|lad|fella|chap|officer|someone|somebody|person)"
    r"\s+called)[\s,:]*"
    r"(?:a\s+)?)$"
)
RELATION = re.compile(
    # Up to three words between: "my next door neighbour", "my 15 year old son".
    r"(?i:\b" + _POSSESSIVE + r"\s+(?:[\w-]+\s+){0,3}?(?:" + "|".join(sorted(RELATIONS)) + r")s?"
    r"[\s,:-]*)$"
)
# A title, with an officer's collar number after it or not: "PC 1234 Smith".
TITLE = re.compile(r"(?i:\b(?:" + "|".join(sorted(TITLES)) + r")\.?[\s,]+(?:\d{2,5}\s+)?)$")
SIGN_OFF = re.compile(
    r"(?i:\b(?:regards|thanks|thank you|thank u|cheers|many thanks|best wishes|kind regards|love"
    r"|yours|sincerely|from|ta|best|ty|thx|thanx|tar)"
    # "cheers mate, dean", "thanks again, Pat".
    r"(?:\s+(?:mate|again|all|so\s+much|very\s+much|a\s+lot|guys|everyone))?[\s,:.!-]*)$"
)
HERE = re.compile(r"^\s*(?:here|btw|speaking)\b", re.IGNORECASE)
# Words after a capitalised word that show it is someone ("Will from the SNT", "Jack and me").
PERSON_AFTER = re.compile(
    r"^(?:\s+(?:here|from\s+(?:the\s+)?[A-Z]|from\s+\[address\]|next\s+door|at\s+the\s+(?:front|desk|station|counter)"
    r"|on\s+the\s+(?:front|desk|phone|101|webchat|line)|the\s+(?:pcso|officer|pc|sergeant|copper)"
    r"|and\s+(?:\[name\]|(?:me|i|my)\b|(?-i:[A-Z][a-z]+)\s+(?:both|have|had|were|are))|(?:says|said|told|rang|called|came|emailed|helped"
    r"|sorted|reported|gave|knows|(?:is|was)\s+(?:a|the|my|our)\s+(?:pcso|officer|neighbour"
    r"|call\s+handler|operator|sergeant|constable|detective|one\s+who))\b)"
    r"|,?\s+(?:my|our)\s+(?:" + "|".join(sorted(RELATIONS)) + r")\b)",
    re.IGNORECASE,
)
# A capitalised word before one of these is a street's name ("Kingsley Road").
STREET_FOLLOWS = re.compile(
    r"^\s+(?i:road|rd|street|st|lane|avenue|ave|close|crescent|drive|way|court|gardens"
    r"|grove|terrace|mews|square|place|hill|park|rise|walk|row|green|view|parade|croft"
    r"|meadow|chase|end)\b"
)
END = re.compile(r"^[\s.!x]*$", re.IGNORECASE)
# What may follow a name given in lower case after a relation ("my son tom said").
NAME_ENDS = re.compile(
    r"^(?:\s*(?:[,.!?;:)]|$)|\s+(?:and|who|has|had|is|was|x+|[a-z]+(?:ed|s)"
    r"|got|went|came|saw|told|took|gave|left|ran|rang|hit|kept|made|found|lost|knew|thought"
    r"|did|does|didnt|didn't|doesnt|doesn't|can|cant|can't|could|would|will|wont|won't)\b)",
    re.IGNORECASE,
)
# Words said to the reader after "thanks" or "cheers", some of them also names.
ENDEARMENTS = frozenset(
    "love luv bud buddy mate pal hun hon babe dear darling sweetheart duck chuck pet bro "
    "guys folks all again lots loads everyone everybody team officer sir madam".split()
)
# Between two names in a list: "tom and jack", "Tia, Jack".
LISTED_WITH = re.compile(r"\s*(?:,|&|\+|and|,\s*and)\s*", re.IGNORECASE)
# "the Nguyen family", not "the Royal family".
FAMILY_AFTER = re.compile(r"^\s+family\b", re.IGNORECASE)
NOT_FAMILY_NAMES = frozenset(
    "royal whole extended host foster adoptive same other entire traveller travelling local "
    "new next young big".split()
)
# Capitalised words after a first name that make a place or a thing, not a surname.
NOT_SURNAMES = frozenset(
    "church school hall house farm court street road lane close centre center park club "
    "cottage lodge hill green way avenue".split()
)
# A phone number or email just after a word: it is whose they are.
CONTACT_AFTER = re.compile(r"^\s*[,:;\u2013-]?\s*(?:\(|on\s+|at\s+)?\[(?:phone|email)\]")
# What may follow a surname that is also a word: the end, a comma, "and", "here".
SURNAME_ENDS = re.compile(
    r"^(?:\s*(?:[,.!?;:)]|$)|\s+(?:and|here|x+|from|at|who|is|was|has|had|said|says|rang"
    r"|called|came|told|on|in)\b)",
    re.IGNORECASE,
)
# A message that is only a name, in lower case: "john smith", "sarah o'neill".
ONLY_NAME = re.compile(r"^\W*$")
# A name at the very end of a message, with or without kisses: "Faith x", "cheers paddy".
KISSES_END = re.compile(r"^\s+x{1,4}[\s.!]*$", re.IGNORECASE)
# Titles people write before a name, short and often in lower case: what follows is a
# surname even in lower case ("pc khan").
_TITLES = r"(?:pc|dc|ds|di|dci|dsi|sgt|pcso|insp|mr|mrs|ms|miss|mx|dr|cllr)"
SHORT_TITLE = re.compile(rf"(?i:\b{_TITLES}\.?\s+)$")
ARTICLE_BEFORE = re.compile(r"(?i:\b(?:a|an|the|one|no|any|another|every|more|our|local|new)\s+)$")
# A title, an initial and a surname in lower case: "pc r kaur".
TITLE_INITIAL = re.compile(
    rf"(?i:\b{_TITLES}\.?\s+)"
    r"(?P<name>[A-Za-z]\s+(?P<surname>[A-Za-z][a-z'-]+))\b"
)
# Words of place before a capitalised word: a surname alone after them is a street or a shop.
PLACE_BEFORE = re.compile(
    r"(?i:\b(?:down|along|up|off|outside|opposite|near|past|behind|towards|round)\s+)$"
)
# Initials before a surname: "A.K. Mensah", "R. J. Featherstonehaugh", "j. smith".
PARTICLES = frozenset("van von de der den da di du le la al el bin ibn ter ten".split())
_PARTICLE = r"(?:(?i:" + "|".join(sorted(PARTICLES)) + r")[\s-])*"
JOINED_PARTICLE = re.compile(r"(?:al|el|bin|ibn)-[A-Z][a-z'-]+")
INITIALS = re.compile(
    r"(?<![\w.])(?:[A-Za-z]\.\s?){1,3}" + _PARTICLE + r"(?P<surname>[A-Za-z][a-z'-]+)\b"
)
