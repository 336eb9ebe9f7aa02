"""A small English inflector for base-form synonym resources (GCIDE, Roget 1911).

Written for the evaluation spinners only: suffix rules plus the irregular forms listed
below (typed in by hand). It never reads lemminflect, WordNet's ``*.exc`` files or any
other resource, so the inflected tables stay independent of spinfix's thesaurus.

Multi-word entries inflect one word: a verb phrase its first word ("set on" -> "setting
on"), a noun phrase the word before "of" or else its last word ("bond of union" -> "bonds
of union"). Rules are crude on purpose: real spinners' tables are crude too.
"""
from __future__ import annotations

# base: (past, past participle); the third person and -ing forms follow the rules below.
IRREGULAR_VERBS: dict[str, tuple[str, str]] = {
    "arise": ("arose", "arisen"), "awake": ("awoke", "awoken"), "be": ("was", "been"),
    "bear": ("bore", "borne"), "beat": ("beat", "beaten"), "become": ("became", "become"),
    "begin": ("began", "begun"), "bend": ("bent", "bent"), "bet": ("bet", "bet"),
    "bid": ("bid", "bid"), "bind": ("bound", "bound"), "bite": ("bit", "bitten"),
    "bleed": ("bled", "bled"), "blow": ("blew", "blown"), "break": ("broke", "broken"),
    "breed": ("bred", "bred"), "bring": ("brought", "brought"), "build": ("built", "built"),
    "burn": ("burnt", "burnt"), "burst": ("burst", "burst"), "buy": ("bought", "bought"),
    "cast": ("cast", "cast"), "catch": ("caught", "caught"), "choose": ("chose", "chosen"),
    "cling": ("clung", "clung"), "come": ("came", "come"), "cost": ("cost", "cost"),
    "creep": ("crept", "crept"), "cut": ("cut", "cut"), "deal": ("dealt", "dealt"),
    "dig": ("dug", "dug"), "do": ("did", "done"), "draw": ("drew", "drawn"),
    "dream": ("dreamt", "dreamt"), "drink": ("drank", "drunk"), "drive": ("drove", "driven"),
    "dwell": ("dwelt", "dwelt"), "eat": ("ate", "eaten"), "fall": ("fell", "fallen"),
    "feed": ("fed", "fed"), "feel": ("felt", "felt"), "fight": ("fought", "fought"),
    "find": ("found", "found"), "flee": ("fled", "fled"), "fling": ("flung", "flung"),
    "fly": ("flew", "flown"), "forbid": ("forbade", "forbidden"), "forecast": ("forecast", "forecast"),
    "foresee": ("foresaw", "foreseen"), "forget": ("forgot", "forgotten"),
    "forgive": ("forgave", "forgiven"), "forsake": ("forsook", "forsaken"), "freeze": ("froze", "frozen"),
    "get": ("got", "gotten"), "give": ("gave", "given"), "go": ("went", "gone"),
    "grind": ("ground", "ground"), "grow": ("grew", "grown"), "hang": ("hung", "hung"),
    "have": ("had", "had"), "hear": ("heard", "heard"), "hide": ("hid", "hidden"),
    "hit": ("hit", "hit"), "hold": ("held", "held"), "hurt": ("hurt", "hurt"),
    "keep": ("kept", "kept"), "kneel": ("knelt", "knelt"), "know": ("knew", "known"),
    "lay": ("laid", "laid"), "lead": ("led", "led"), "lean": ("leant", "leant"),
    "leap": ("leapt", "leapt"), "learn": ("learnt", "learnt"), "leave": ("left", "left"),
    "lend": ("lent", "lent"), "let": ("let", "let"), "lie": ("lay", "lain"),
    "light": ("lit", "lit"), "lose": ("lost", "lost"), "make": ("made", "made"),
    "mean": ("meant", "meant"), "meet": ("met", "met"), "mislead": ("misled", "misled"),
    "mistake": ("mistook", "mistaken"), "overcome": ("overcame", "overcome"),
    "overtake": ("overtook", "overtaken"), "overthrow": ("overthrew", "overthrown"),
    "pay": ("paid", "paid"), "put": ("put", "put"), "quit": ("quit", "quit"),
    "read": ("read", "read"), "rend": ("rent", "rent"), "rid": ("rid", "rid"),
    "ride": ("rode", "ridden"), "ring": ("rang", "rung"), "rise": ("rose", "risen"),
    "run": ("ran", "run"), "say": ("said", "said"), "see": ("saw", "seen"),
    "seek": ("sought", "sought"), "sell": ("sold", "sold"), "send": ("sent", "sent"),
    "set": ("set", "set"), "shake": ("shook", "shaken"), "shed": ("shed", "shed"),
    "shine": ("shone", "shone"), "shoot": ("shot", "shot"), "show": ("showed", "shown"),
    "shrink": ("shrank", "shrunk"), "shut": ("shut", "shut"), "sing": ("sang", "sung"),
    "sink": ("sank", "sunk"), "sit": ("sat", "sat"), "slay": ("slew", "slain"),
    "sleep": ("slept", "slept"), "slide": ("slid", "slid"), "sling": ("slung", "slung"),
    "slit": ("slit", "slit"), "smite": ("smote", "smitten"), "speak": ("spoke", "spoken"),
    "speed": ("sped", "sped"), "spend": ("spent", "spent"), "spin": ("spun", "spun"),
    "spit": ("spat", "spat"), "split": ("split", "split"), "spread": ("spread", "spread"),
    "spring": ("sprang", "sprung"), "stand": ("stood", "stood"), "steal": ("stole", "stolen"),
    "stick": ("stuck", "stuck"), "sting": ("stung", "stung"), "stink": ("stank", "stunk"),
    "stride": ("strode", "stridden"), "strike": ("struck", "struck"), "strive": ("strove", "striven"),
    "swear": ("swore", "sworn"), "sweep": ("swept", "swept"), "swell": ("swelled", "swollen"),
    "swim": ("swam", "swum"), "swing": ("swung", "swung"), "take": ("took", "taken"),
    "teach": ("taught", "taught"), "tear": ("tore", "torn"), "tell": ("told", "told"),
    "think": ("thought", "thought"), "throw": ("threw", "thrown"), "thrust": ("thrust", "thrust"),
    "tread": ("trod", "trodden"), "undergo": ("underwent", "undergone"),
    "understand": ("understood", "understood"), "undertake": ("undertook", "undertaken"),
    "undo": ("undid", "undone"), "uphold": ("upheld", "upheld"), "upset": ("upset", "upset"),
    "wake": ("woke", "woken"), "wear": ("wore", "worn"), "weave": ("wove", "woven"),
    "weep": ("wept", "wept"), "win": ("won", "won"), "wind": ("wound", "wound"),
    "withdraw": ("withdrew", "withdrawn"), "withhold": ("withheld", "withheld"),
    "withstand": ("withstood", "withstood"), "wring": ("wrung", "wrung"), "write": ("wrote", "written"),
}
IRREGULAR_THIRD = {"be": "is", "have": "has", "do": "does", "go": "goes"}
# verbs ending in a stressed consonant-vowel-consonant beyond one syllable: double the consonant
DOUBLING = {
    "admit", "allot", "commit", "compel", "confer", "control", "defer", "deter", "emit",
    "equip", "excel", "expel", "incur", "infer", "occur", "omit", "patrol", "permit",
    "prefer", "propel", "rebel", "recur", "refer", "regret", "remit", "repel", "submit",
    "transfer", "transmit", "abet", "aver", "abhor", "inter", "debar", "rebut", "unpin", "acquit", "annul", "begin", "forget", "outwit", "upset",
}
IRREGULAR_NOUNS = {
    "man": "men", "woman": "women", "child": "children", "person": "people", "foot": "feet",
    "tooth": "teeth", "mouse": "mice", "goose": "geese", "ox": "oxen", "crisis": "crises",
    "analysis": "analyses", "basis": "bases", "thesis": "theses", "hypothesis": "hypotheses",
    "phenomenon": "phenomena", "criterion": "criteria", "datum": "data", "medium": "media",
    "life": "lives", "wife": "wives", "knife": "knives", "leaf": "leaves", "half": "halves",
    "wolf": "wolves", "shelf": "shelves", "thief": "thieves", "loaf": "loaves", "self": "selves",
    "calf": "calves", "sheep": "sheep", "deer": "deer", "fish": "fish", "series": "series",
    "species": "species", "aircraft": "aircraft", "news": "news", "hero": "heroes",
    "potato": "potatoes", "tomato": "tomatoes", "echo": "echoes", "veto": "vetoes",
}
VOWELS = set("aeiou")


def _cvc(word: str) -> bool:
    """Ends consonant-vowel-consonant (not w, x, y): the final consonant doubles."""
    return (len(word) >= 3 and word[-1] not in VOWELS and word[-1] not in "wxy"
            and word[-2] in VOWELS and word[-3] not in VOWELS)


def _one_syllable(word: str) -> bool:
    groups, prev = 0, False
    for ch in word:
        vowel = ch in VOWELS or ch == "y"
        if vowel and not prev:
            groups += 1
        prev = vowel
    return groups <= 1


def plural(word: str) -> str:
    """Noun plural (also the verb's third person singular, apart from a few verbs)."""
    if word in IRREGULAR_NOUNS:
        return IRREGULAR_NOUNS[word]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def third(verb: str) -> str:
    if verb in IRREGULAR_THIRD:
        return IRREGULAR_THIRD[verb]
    if verb.endswith("o") and len(verb) > 1 and verb[-2] not in VOWELS:
        return verb + "es"
    if verb.endswith(("s", "x", "z", "ch", "sh")):
        return verb + "es"
    if verb.endswith("y") and len(verb) > 1 and verb[-2] not in VOWELS:
        return verb[:-1] + "ies"
    return verb + "s"


def _doubles(verb: str) -> bool:
    return verb in DOUBLING or (_one_syllable(verb) and _cvc(verb))


def past(verb: str) -> str:
    if verb in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[verb][0]
    if verb.endswith("ic") and len(verb) > 3:
        return verb + "ked"  # panicked, mimicked
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and len(verb) > 1 and verb[-2] not in VOWELS:
        return verb[:-1] + "ied"
    if _doubles(verb):
        return verb + verb[-1] + "ed"
    return verb + "ed"


def participle(verb: str) -> str:
    if verb in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[verb][1]
    return past(verb)


def gerund(verb: str) -> str:
    if verb == "be":
        return "being"
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("ic") and len(verb) > 3:
        return verb + "king"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    if _doubles(verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


NO_INFLECTION_START = {"not", "no", "to", "a", "an", "the", "of", "in", "on", "at", "by"}


def _apply(phrase: str, pos: str, func) -> str | None:
    words = phrase.split(" ")
    if not all(w.replace("-", "").isalpha() for w in words):
        return None
    if pos == "v":
        if words[0] in NO_INFLECTION_START:
            return None
        index = 0
    elif "of" in words[1:]:
        index = words.index("of", 1) - 1
    else:
        index = len(words) - 1
    word = words[index]
    if pos == "n" and word.endswith("s") and not word.endswith(("ss", "us", "is")) \
            and word not in IRREGULAR_NOUNS:
        return None  # most likely plural already ("troops", "politics")
    words[index] = func(word)
    return " ".join(words)


def forms(phrase: str, pos: str) -> dict[str, str]:
    """The inflected forms of a base-form entry: tag -> form (the base form under "base").

    ``pos`` is "n" (plural under "pl"), "v" ("3sg", "past", "pp", "ing") or anything else
    (no inflection).
    """
    out = {"base": phrase}
    if pos == "n":
        form = _apply(phrase, "n", plural)
        if form:
            out["pl"] = form
    elif pos == "v":
        for tag, func in (("3sg", third), ("past", past), ("pp", participle), ("ing", gerund)):
            form = _apply(phrase, "v", func)
            if form:
                out[tag] = form
    return out


def inflect_pairs(head: str, alternatives: list[str], pos: str) -> dict[str, list[str]]:
    """Entries for every inflected form of ``head``: form -> the same form of each alternative.

    A form of the head that an earlier tag already gave keeps that tag's alternatives only
    ("set" stays present tense, "said" past tense): a past participle equal to the past
    tense shares its entry, one that differs ("wrote"/"written") gets its own.
    """
    head_forms = forms(head, pos)
    out: dict[str, list[str]] = {}
    for tag, head_form in head_forms.items():
        if head_form in out:
            continue
        alts = []
        for alt in alternatives:
            form = forms(alt, pos).get(tag)
            if form and form != head_form and form not in alts:
                alts.append(form)
        if alts:
            bucket = out.setdefault(head_form, [])
            bucket.extend(a for a in alts if a not in bucket)
    return out
