"""The safety rules: phrase patterns per category, a floor for the explicit phrases.

Each table lists the phrases that signal its category, with the guards that
cancel them (`dialogs.safety_phrases`). `dialogs.safety.classify` applies them,
most urgent category first.
"""

from __future__ import annotations

from dialogs.safety_phrases import (
    BUSY,
    CONDITIONAL,
    GENERAL,
    HYPOTHETICAL,
    PAST,
    PAST_NEARBY,
    POLICY,
    SERVICE,
    STALE,
    Rule,
    happening_now,
    recent,
    rule,
)

# ---------------------------------------------------------------------------
# Vocabulary shared by the rules
# ---------------------------------------------------------------------------

NOW = r"\b(right now|now|as we speak|this minute|at this moment)\b"
WEAPON = (
    r"(knife|knifes|knives|blades?|machetes?|guns?|shotguns?|pistols?|firearms?|crowbars?"
    r"|hammers?|axes?|bats?|baseball bats?|weapons?|acid|screwdrivers?)"
)
PARTNER = (
    r"(partner|husband|wife|boyfriend|girlfriend|ex|ex partner|ex husband|ex wife"
    r"|ex boyfriend|ex girlfriend|fiance|fiancee|other half|fella|bloke|man|spouse"
    r"|missus|misses|(sons|daughters|kids|childrens|babys|baby) (father|dad)|baby daddy)"
)
ABUSE_VERB = (
    r"(hits|hit|hitting|beats|beat|beating|punches|punched|punching|slaps|slapped"
    r"|slapping|kicks|kicked|kicking|pushes|pushed|pushing|shoves|shoved|strangles"
    r"|strangled|strangling|chokes|choked|choking|rapes|raped|hurts|hurt|hurting"
    r"|abuses|abused|abusing|threatens|threatened|threatening|controls|controlling"
    r"|stalks|stalking|stalked|harasses|harassing|harassed|attacks|attacked|bullies"
    r"|bullied|bullying|throws|threw|smashes|smashed|spits|spat|batters|battered"
    r"|assaults|assaulted|forces|forced|scares|terrifies|intimidates)"
)
CHILD_WORD = (
    r"(child|children|childs|kid|kids|baby|babies|toddler|infant|son|sons|daughter"
    r"|daughters|boy|boys|girl|girls|nephew|niece|grandson|granddaughter|grandkids"
    r"|grandchildren|stepson|stepdaughter|little (brother|sister|one|boy|girl)"
    r"|teenager|teen|pupils?|schoolgirls?|schoolboys?|minors?|under ?age)"
)
PARENT = (
    r"(dad|mum|mom|mam|mother|father|step ?dad|step ?mum|step ?father|step ?mother"
    r"|parents|mums (boyfriend|partner)|dads (girlfriend|partner)|nan|grandad|uncle"
    r"|auntie|aunt|carer|foster (mum|dad|carer|parents)|coach|teacher|babysitter)"
)
MINOR_AGE = (
    r"\b(([1-9]|1[0-7]) ?(year|yr)s? ?old|(i am|is|aged|age) ([5-9]|1[0-7])"
    r"(?! (hours?|hrs|mins?|minutes|days?|weeks?|months?|years?|miles|times|pounds)\b))\b"
)
# Harm or an adult's attention, next to a child's age. Apps and messaging alone
# are not a concern ("my 15 year old uses snapchat to follow the police").
CHILD_CONCERN = (
    r"\b(hits?|hitting|beats?|hurts?|touch\w*|abus\w*|scared|afraid|frightened|missing"
    r"|run away|ran away|dating|going out with|older (man|men|guy|lad|boyfriend)"
    r"|\d+ year old (man|guy|bloke|lad|boyfriend)|nudes?|groom\w*|sex\w*|kiss\w*"
    r"|(left|home) alone|wants to meet)\b"
)


# Words about the survey or the website itself ("help, which box do I tick").
ABOUT_THE_SURVEY = (
    r"(survey|question|questions|box|boxes|tick|button|option|page|website|form|postcode"
    r"|typed|pressed|clicked|stands? for|what does|what is a|kidding|joking|lol)"
)
# Words about how the police are reached, or that all is well: after an opening "help",
# the message is about the service, not a call for help.
ABOUT_THE_SERVICE = (
    r"(101|on hold|hold music|in the queue|webchat|web chat|live chat|typing|text (size|bigger)"
    r"|which of these|online form|the website|the site|the app|log in|password|parking"
    r"|we are fine|we re fine|i am fine|im fine|all is well|nothing to report|i prefer"
    r"|just prefer)"
)
# What an overdose is of, when it is named.
DRUG = (
    r"(pills|tablets|paracetamol|painkillers|meds|medication|medicine|insulin|drugs|heroin"
    r"|cocaine|sleeping (pills|tablets)|antidepressants|co codamol|codeine|aspirin"
    r"|ibuprofen|morphine|methadone)"
)


# ---------------------------------------------------------------------------
# Rules per category
# ---------------------------------------------------------------------------

DANGER_RULES: tuple[Rule, ...] = (
    # Break-ins and intruders.
    happening_now(r"\b(is|are) (breaking|trying to (break|get|force)) ?(in|into)\b"),
    recent(r"\btrying to (break|get|force (their|his|her) way|climb) ?(in|into)\b"),
    recent(r"\btrying (the|my|our) (back |front )?(door|window|handle)s?\b"),
    happening_now(
        r"\b(burglary|break in|robbery|burglars?|fight|mugging|attack|crime)"
        r" (is )?(happening|going on|in progress)\b"
    ),
    happening_now(r"\bintruders?\b(?! alarms?)"),
    happening_now(r"\b(broken|broke|got) in\b.{0,30}\b(still|inside)\b"),
    happening_now(
        r"\b(someone|somebody|a man|a stranger|he|she|they|strangers|a guy) (is |are )?"
        r"(in|inside|downstairs in|upstairs in) (my|the|our) "
        r"(house|home|flat|room|bedroom|garden|kitchen|loft|shed)\b"
    ),
    # Weapons present now.
    happening_now(
        r"\b(with|has|got|holding|waving|carrying|pulled|pulling|brandishing|armed with)"
        r" (a |an |his |her |their |some )?" + WEAPON + r"\b",
        everyday=True,
    ),
    happening_now(r"\bat (knife|gun|machete) ?point\b"),
    # Violence in progress or just happened.
    happening_now(
        r"\b(is|are|am) (hitting|beating|attacking|punching|kicking|stabbing|strangling"
        r"|choking|hurting|threatening|dragging|chasing|following|smashing|trashing)\b"
        # "hitting a brick wall with 101" is a figure of speech.
        r"(?! (a )?(brick )?wall| a dead end| my head)",
        everyday=True,
    ),
    happening_now(
        r"\b(is|are|am) being (attacked|stabbed|beaten|mugged|robbed|assaulted|kicked"
        r"|hit|followed|chased|threatened|watched|broken into|burgled|raped|kidnapped)\b"
    ),
    happening_now(
        r"\b(kicking|beating|hitting|punching|stabbing|attacking|fighting|smashing"
        r"|robbing|mugging|breaking|stealing|shooting|swerving|kicking off)\b",
        requires=NOW,
        everyday=True,
    ),
    happening_now(r"\b(following|chasing) (me|us)\b"),
    happening_now(
        r"\bbeen (stabbed|shot|attacked|assaulted|raped|beaten up|glassed|knocked out"
        r"|run over)\b"
    ),
    recent(
        r"\bjust (been )?(snatched|grabbed|stabbed|shot|attacked|mugged|robbed|crashed"
        r"|hit|threatened|assaulted|punched|raped)\b"
    ),
    rule(r"\b(cant|cannot) breathe\b"),
    rule(r"\b(choking|strangling|suffocating|smothering) (me|us|her|him)\b"),
    recent(r"\b(not|isnt|stopped) (breathing|moving|responding|conscious)\b"),
    rule(
        r"\b(collapsed|unconscious|bleeding|blood everywhere)\b",
        [STALE, GENERAL],
        unless_near=[PAST_NEARBY],
        everyday=True,
    ),
    # Threats about to be carried out.
    recent(
        r"\b(going to|will|about to|trying to) (kill|stab|shoot|hurt|murder|attack) (me|us)\b",
        everyday=True,
    ),
    recent(r"\bthreat\w* to (kill|stab|shoot|hurt|murder) (me|us)\b"),
    # Kidnap, being held, hiding.
    happening_now(
        r"\b(kidnap\w*|abduct\w*|(grab|grabbing|snatch|snatching) (a|the|my) "
        r"(kid|child|girl|boy|woman|daughter|son))\b",
        everyday=True,
    ),
    # "tied up with childcare until 3" and "trapped behind a desk" are about being busy.
    rule(
        r"\b(i am|we are|he has|she has|he is) (locked|trapped|tied up)\b",
        unless_near=[PAST_NEARBY, STALE, BUSY],
        everyday=True,
    ),
    recent(r"\blocked me in\b"),
    recent(r"\b(i am|we are) hiding (in|from|under)\b"),
    # Fire.
    happening_now(r"\b(is|are) on fire\b", everyday=True),
    recent(r"\b(there is a fire|(fire|flames|smoke) (next door|in my|coming from))\b"),
    # Plain calls for urgent help.
    # "help us by answering faster" asks for a better service, not for help.
    # "help is what I wanted from 101" and "help, which box do I tick" are not calls for help.
    rule(
        r"^(please )?help\b(?! (with|to|on|by|improve|us|me|understand|is|would|was|wanted"
        r"|needed|yourselves|desk|for|the (aged|older|elderly))\b)"
        r"(?!( \.)*( \w+){0,6} " + ABOUT_THE_SURVEY + r"\b)"
        # "help, I've been on hold to 101 for an hour", "help, we are fine, I just prefer
        # the phone": an opening "help" about the service, or said with all well.
        r"(?!.*\b" + ABOUT_THE_SERVICE + r"\b)",
        everyday=True,
    ),
    rule(r"^(please )?help (me|us)( please| now| quick)?( \.)*$"),
    rule(r"\b(please help|help me)( me| us)?( \.)? (please|now|quick|quickly|asap)\b"),
    rule(r"\bplease help (me|us)\b(?! (by|to|with|improve|understand|find|get))"),
    rule(
        r"\b(need|send) (the )?(police|help|someone|an officer|officers|an ambulance|ambulance)"
        r" (here )?(now|right now|quick|quickly|asap|urgently|immediately)\b"
    ),
    rule(r"\b(come|get here|hurry)( \.)? (quick|quickly|now|asap|fast|please)\b", [CONDITIONAL]),
    happening_now(r"\b(screaming|shouting|crying|calling) (for help|help)\b"),
    # "in danger of being late for work" is a figure of speech; "of being hurt" is not.
    rule(
        r"\b(i am|we are) in (immediate )?danger\b"
        r"(?! of (?!(being )?(hurt|killed|harmed|attacked|beaten|stabbed|murdered|raped)\b))"
    ),
    # "I'm not safe" is explicit; "I don't feel safe at home" can be about a burglary long ago.
    happening_now(
        r"\b(i am|we are) not safe\b(?! (walking|to (leave|park|walk)|leaving|parking"
        r"|in (the|town)|on the|at night|round|around|out)\b)"
    ),
    happening_now(
        r"\b(i|we) (dont|do not) feel safe (at home|in (my|our) (own )?(home|house|flat)"
        r"|with (him|her|my \w+)|going home)\b",
        everyday=True,
    ),
)

SELF_HARM_RULES: tuple[Rule, ...] = (
    rule(
        r"\b(kill|killing|hurt|hurting|harm|harming|cut|cutting|top|topping|hang|hanging"
        r"|end|ending|off) my ?self\b",
        [STALE],
    ),
    rule(r"\bself ?harm\w*\b", [STALE, GENERAL], everyday=True),
    rule(
        r"\b(suicid\w*|suicdal|sucidal|suacidal|suicidle|sucide|suiside|suisidal)\b",
        [STALE, GENERAL, HYPOTHETICAL],
        everyday=True,
    ),
    rule(r"\b(end|ending) (it all|my (own )?life|everything)\b", [STALE]),
    rule(r"\b(thinking|think|thought) (of|about) (ending|end) it\b"),
    rule(r"\btake my (own )?life\b"),
    # "want to die of boredom" and "dying laughing" are figures of speech.
    rule(r"\b(want|wanting|going|ready|deserve) to die\b(?! (of|laughing)\b)"),
    rule(r"\b(wish i (was|were) dead|better off dead)\b"),
    rule(r"\b(dont|do not) want to (live|be alive|wake up|exist|be here (anymore|any more))\b"),
    rule(
        r"\b(taken|took|take|swallowed|swallow) (a load of|loads of|all (of )?(my|the)"
        r"|too many|a lot of|a bunch of|a handful of|a whole box of|the whole) "
        r"(pills|tablets|meds|medication|paracetamol)\b",
        [STALE],
    ),
    # "an overdose of bureaucracy" is a figure of speech.
    rule(r"\boverdos\w*\b(?! of (?!(\w+ ){0,2}" + DRUG + r"\b))", [STALE, GENERAL], everyday=True),
    rule(r"\b(whats|what is) the point (in|of) (living|life|going on|carrying on|being alive)\b"),
    rule(r"\bno (reason|point) (to|in) (live|living|go on|going on|carry on|carrying on)\b"),
    rule(r"\bcant (go on|carry on|cope|take (it|this) (anymore|any more))\b", everyday=True),
    rule(r"\b(nobody|no one) (would|will|is going to) (miss|care about|notice|care if) (me|i)\b"),
    rule(r"\b(better|happier) off without me\b"),
    rule(r"\bjump (off|from|in front of)\b", [STALE], everyday=True),
    rule(r"\b(it all|everything) to (stop|end)\b"),
    rule(r"\b(cutting|harming|hurting myself|self harming) again\b"),
    rule(r"\bwish i (was|were|wasnt|werent) (dead|not alive|never born|alive|born|here)\b"),
    rule(r"\b(pills|tablets|rope) (are )?(ready|lined up|saved up)\b"),
    rule(r"\b(disappear|go to sleep) (and not wake up|forever|for good)\b"),
    rule(r"\bnot wake up\b"),
    rule(r"\b(had enough|sick|tired) of (life|living|being alive)\b"),
    rule(r"\b(i am|im) (going to )?(ending|end) it\b"),
    rule(r"\bending it (all|tonight|today)\b"),
    rule(r"\blife (isnt|is not|aint) worth (living|it)\b"),
)

CHILD_RULES: tuple[Rule, ...] = (
    rule(CHILD_CONCERN, [STALE, HYPOTHETICAL], requires=MINOR_AGE, everyday=True),
    rule(
        r"\b(my|his|her|their) (\w+ )?" + PARENT + r" (\w+ ){0,2}"
        r"(hits|beats|hurts|touches|abuses|kicks|punches|slaps|burns|starves|locks|chokes"
        r"|strangles|hit|beat|hurt|touched|abused) (me|us|my|him|her|them)\b",
        [STALE],
    ),
    rule(
        r"\b(says|said|told me) (her|his|their|my) " + PARENT + r" (does|did|hits|beats|hurts)"
        r" (it|that|this|her|him|them)\b",
        [STALE],
    ),
    rule(
        r"\b" + CHILD_WORD + r" (\w+ ){0,3}(is|are) being (abused|hurt|hit|neglected|groomed"
        r"|beaten|exploited|touched|bullied|starved|trafficked|made to|forced to)\b",
        [PAST, GENERAL, HYPOTHETICAL],
    ),
    rule(
        r"\b" + CHILD_WORD + r"\b.{0,40}\b(left (alone|on (their|his|her) own|home alone)"
        r"|on (their|his|her) own|home alone|by (themselves|himself|herself))\b",
        [PAST, HYPOTHETICAL],
        everyday=True,
    ),
    rule(
        r"\b" + CHILD_WORD + r"\b.{0,30}\b(screaming|crying|scream|screams|cries)\b",
        [PAST, HYPOTHETICAL],
        everyday=True,
    ),
    rule(r"(?<!dog )\bgroom(ed|ing)\b", [STALE, GENERAL, HYPOTHETICAL], everyday=True),
    rule(
        r"\bolder (men|man|guys|guy|lads|boys)\b",
        [STALE, HYPOTHETICAL],
        requires=CHILD_WORD,
        everyday=True,
    ),
    rule(
        r"\b(made|forced|being used) to (sell|carry|deliver|run|move|hold)"
        r" (drugs|packages|stuff|weed|gear)\b",
        [STALE],
    ),
    rule(r"\bcounty lines\b", [STALE, GENERAL, HYPOTHETICAL], requires=CHILD_WORD, everyday=True),
    rule(
        r"\b(nudes?|naked (photos|pictures|pics|images|videos)"
        r"|indecent (photos|pictures|images))\b",
        [STALE, GENERAL],
        requires=CHILD_WORD,
    ),
    rule(
        r"\b(taking|took|filming) (photos|pictures|pics|videos) of (the |my |our |some )?"
        + CHILD_WORD
        + r"\b",
        [STALE, HYPOTHETICAL],
    ),
    rule(
        r"\b" + CHILD_WORD + r" (\w+ ){0,2}(has gone|is|has been|gone|went|has run|ran)"
        r" (missing|away)\b",
        [PAST],
        everyday=True,
    ),
    rule(
        r"\b(drug addict|alcoholic|on drugs|off (his|her) face|smackhead|crackhead)\b",
        [STALE, HYPOTHETICAL, GENERAL],
        requires=CHILD_WORD,
        everyday=True,
    ),
    rule(
        r"\b(man|men|adult|stranger|someone|somebody|guy|bloke|teacher|coach|he|she|they)"
        r" (\w+ ){0,3}(talking to|messaging|texting|contacting|chatting (to|with)"
        r"|sending( messages| pictures| photos)?( to)?) (my|our|a|the)"
        r" (\d+ ?(year|yr)s? ?old )?" + CHILD_WORD + r"\b",
        [STALE, HYPOTHETICAL, GENERAL],
    ),
    rule(r"\bwants to meet (him|her|them|my)\b", [STALE, HYPOTHETICAL], requires=CHILD_WORD),
    rule(
        r"\b(bruises|bruised|marks on (him|her|them)|burns on (him|her|them))\b",
        [STALE, HYPOTHETICAL, GENERAL],
        requires=CHILD_WORD,
        everyday=True,
    ),
    rule(
        r"\bchild (abuse|neglect|exploitation|sexual abuse)\b",
        [STALE, GENERAL, HYPOTHETICAL],
        everyday=True,
    ),
    rule(
        r"\b(touches|touched|touching|fiddles with|fiddled with|feels up) (him|her|me|them)\b",
        [STALE],
        requires=CHILD_WORD,
    ),
)

DOMESTIC_ABUSE_RULES: tuple[Rule, ...] = (
    # "my husband hit the roof" and "my partner beat me at scrabble" are figures of speech.
    rule(
        r"\bmy " + PARTNER + r" (\w+ ){0,2}" + ABUSE_VERB + r"\b"
        r"(?! (the roof|the ceiling|the jackpot|the high score|(me|us) at|me to it)\b)",
        [STALE],
        everyday=True,
    ),
    rule(
        r"\bmy " + PARTNER + r" (keeps|wont stop|is always|has been|keeps on)"
        r" (turning up|showing up|coming round|messaging|texting|calling|ringing|following"
        r"|watching|contacting)\b",
        [STALE],
    ),
    rule(
        r"\bthreatening (messages|texts|calls|voicemails|letters)\b",
        [STALE, GENERAL],
        everyday=True,
    ),
    rule(
        r"\b(checks|goes through|reads|tracks|monitors) my"
        r" (phone|messages|texts|emails|location)\b",
        [STALE, HYPOTHETICAL],
        everyday=True,
    ),
    rule(
        r"\b(tells|calls) me (i am )?(worthless|useless|stupid|ugly|fat|nothing|a waste|pathetic)\b"
    ),
    rule(
        r"\b(controls|keeps) (all )?my (money|bank card|cards|benefits|wages|passport)\b",
        everyday=True,
    ),
    rule(
        r"\b(he|she|" + PARTNER + r") (wont|will not|doesnt|does not|never) "
        r"(let|lets|allow|allows) me\b",
        [STALE],
        everyday=True,
    ),
    rule(
        r"\b(scared|frightened|afraid|terrified) of (my " + PARTNER + r"|him|her"
        r"|what (he|she) (will|might) do)\b",
        [STALE],
    ),
    rule(
        r"\b(someone|a man|a woman|the man|the woman|somebody) who"
        r" (hits|beats|hurts|abuses|threatens|controls) me\b",
        [STALE],
    ),
    rule(r"\b(being|been) (abused|beaten|controlled|raped|hit) by my " + PARTNER + r"\b"),
    rule(r"\bi am being (abused|controlled)\b"),
    rule(
        r"\b(domestic (violence|abuse)|abusive (relationship|partner|husband|wife|boyfriend"
        r"|girlfriend|ex|marriage|home)|coercive control)\b",
        [STALE, GENERAL, HYPOTHETICAL, POLICY],
        everyday=True,
    ),
    rule(r"\bmy " + PARTNER + r" is (abusive|violent|controlling|dangerous)\b"),
    rule(
        r"\b(says|said|threatens|threatened|threatening) (he|she) (will|would|is going to)"
        r" (take|kill|hurt|keep|get)\b",
        [STALE],
    ),
    rule(r"\bif i (ever )?leave (him|her)\b", [STALE]),
    rule(
        r"\bmy " + PARTNER + r" (\w+ ){0,2}(sends|sending|sent) me"
        r" (threats|abuse|abusive|threatening)\b",
        [STALE],
    ),
    rule(
        r"\bmy " + PARTNER + r" (\w+ ){0,2}(leave me alone|stop (messaging|calling|texting) me)\b",
        [STALE],
    ),
    rule(
        r"\b(he|she) (\w+ )?(hits|beats|punches|slaps|kicks|chokes|strangles|rapes|hurts|abuses"
        r"|batters|threatens|controls) me\b",
        [STALE, HYPOTHETICAL],
    ),
)

REPORT_RULES: tuple[Rule, ...] = (
    rule(
        r"\b(want|wanted|need|needed|like|trying|wish) to (report|log|make a (crime )?report"
        r"|make a complaint about)\b",
        [STALE, HYPOTHETICAL],
        everyday=True,
    ),
    rule(
        r"\b(how|where|can|could|may|who) (do |can |should |would )?(i|we) (report|log"
        r"|make a report|file a report)\b",
        [STALE],
        everyday=True,
    ),
    rule(r"\bis this (where|the place|the right place) (i|to|you) (can )?(report|log)\b"),
    rule(
        r"\b(can|could|will|would) you (please )?(take|log|record|file|register|put through"
        r"|pass on|send) (a |my |the |this |an )?(report|crime|statement|details|it|officer"
        r"|someone|police)\b"
    ),
    rule(r"\b(can|could|may) i (give|tell) you (my |the |about )?(crime|details|what happened)\b"),
    rule(r"\bneed (a|the|my) crime (reference |ref )?(number|no|ref)\b", everyday=True),
    rule(r"\bwho (do|should|can) i (tell|report (it|this) to)\b", [STALE, SERVICE]),
    rule(
        r"\b(my|our) (\w+ ){0,3}(has been|have been|was|got|been|is|were|are) (stolen|nicked"
        r"|pinched|taken|broken into|vandalised|smashed|damaged|keyed|scratched|burgled"
        r"|robbed|set on fire|tampered with)\b",
        [STALE, HYPOTHETICAL, SERVICE],
        everyday=True,
    ),
    rule(
        r"\b(someone|somebody|they|some kids|kids|a man|people) (\w+ )?(stole|nicked|pinched"
        r"|took|broke into|smashed|keyed|scratched|vandalised|damaged|dented|stolen"
        r"|broken into|been using) (my|our)\b",
        [STALE, HYPOTHETICAL, SERVICE],
        everyday=True,
    ),
    rule(
        r"\b(i|we) (have |have just |just )?(been|got) (scammed|defrauded|conned|robbed"
        r"|burgled|mugged|hacked|ripped off|pickpocketed|assaulted)\b",
        [STALE, HYPOTHETICAL, SERVICE],
        everyday=True,
    ),
    rule(r"\bhit and run\b", [STALE, HYPOTHETICAL, SERVICE], everyday=True),
    rule(
        r"\b(i|we) (need|want) (an officer|the police|police|someone) to"
        r" (come|come out|come round|attend|look)\b",
        [STALE, HYPOTHETICAL],
    ),
)
