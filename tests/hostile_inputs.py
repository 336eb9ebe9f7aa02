"""A corpus of hostile inputs for every command that reads a file (issue 13).

Each input is ``(name, bytes)``; the sizes are kept small enough for CI, except a few that are
big on purpose (a long line without punctuation, many repetitions of one word, many one-word
lines), which check that the work stays linear.
"""
from __future__ import annotations

SENTENCE = "The soiled bomb was stated to be massive by the shut U.S. ally on Thursday."


def _texts() -> list[tuple[str, str]]:
    """Hostile texts (encoded as UTF-8 below)."""
    words = ["İstanbul", "İİİ", "ß", "Straße", "ﬁnance", "e\u0301te\u0301", "👍🏽", "👨‍👩‍👧", "\u200b", "\u200d",
             "\ufeff", "\u202e", "שלום", "مرحبا", "日本語", "Ω", "ǅ", "ﬀ", "Ⅻ", "\u00a0", "\u2028", "\u2029", "\x85"]
    out = [(f"char-{k}", f"{w} {SENTENCE} {w}{w} {SENTENCE.lower()} {w}\n") for k, w in enumerate(words)]
    inside = ["\u0130", "\u00df", "\ufb01", "\u0301", "\u200b", "\u00ad", "\u2019", "\u02bc", "\u0307",
              "\u1e9e", "\u03a3", "\u0345", "\u1f88", "\u0149", "\u01f0", "\u2126"]
    out += [(f"inside-{k}", SENTENCE.replace("oi", f"o{c}i").replace("ta", f"t{c}a")) for k, c in enumerate(inside)]
    out += [
        ("crlf", SENTENCE.replace(" ", " \r\n") + "\r\n"),
        ("lone-cr", SENTENCE.replace(". ", ".\r") + "\r" + SENTENCE),
        ("only-cr", "\r".join([SENTENCE] * 20)),
        ("tabs", "\t".join(SENTENCE.split())),
        ("one-word", "soiled"),
        ("one-letter", "a"),
        ("punctuation", "!?.,;:'\"-()[]{}" * 50),
        ("dots", "." * 5000),
        ("digits", "1234567890 " * 500),
        ("long-word", "a" * 10_000 + " " + SENTENCE),
        ("long-words", " ".join(["x" * 10_000] * 5)),
        ("html", "<html><body><p>" + SENTENCE + "</p><script>alert(1)</script></body></html>"),
        ("markdown", "# Title\n\n* item one\n* item two\n\n" + SENTENCE),
        ("json", '{"text": "' + SENTENCE + '"}'),
        ("quotes", "\u201c" + SENTENCE + "\u201d \u2018x\u2019 \u00abx\u00bb"),
        ("dashes", "\u2014".join([SENTENCE] * 5)),
        ("rtl-only", ("שלום עולם " * 200) + "\n"),
        ("arabic", ("مرحبا بالعالم " * 200) + "\n"),
        ("cjk", "日本語の文章です。" * 300),
        ("combining", ("e" + "\u0301" * 50 + " ") * 100),
        ("zero-width", ("\u200b".join(SENTENCE)) + "\n"),
        ("bidi", "\u202e" + SENTENCE + "\u202c"),
        ("emoji", ("👍🏽 " * 500) + SENTENCE),
        ("caps", SENTENCE.upper() * 10),
        ("title", SENTENCE.title() * 10),
        ("newlines", "\n" * 5000 + SENTENCE),
        ("spaces", " " * 5000 + SENTENCE),
        ("one-word-lines", "word\n" * 50_000),
        ("repeated-word", "soiled " * 100_000),
        ("long-line", " ".join(["soiled", "bomb", "stated", "massive", "shut", "ally"] * 40_000)),
        ("repeated-sentence", (SENTENCE + " ") * 2_000),
        ("mixed-scripts", "Mоscow" + " " + SENTENCE),  # a Cyrillic o inside a Latin word
        ("surrogate-escape", SENTENCE + " \udcff"),
        ("private-use", "\ue000\uf8ff " + SENTENCE),
        ("math", "𝐀𝐁𝐂 𝑥 = 𝑦 " + SENTENCE),
        ("control", "".join(chr(c) for c in range(1, 32) if c not in (10, 13)) + SENTENCE),
        ("del", "\x7f" * 100 + SENTENCE),
        ("apostrophes", "didn't won't can't y'all 'tis rock'n'roll o'clock " * 50),
        ("hyphens", "month-to-month state-of-the-art well-known -leading trailing- --double-- " * 50),
        ("urls", "https://example.com/a?b=c&d=e#f " * 100 + SENTENCE),
        ("emails", "someone@example.com " * 100 + SENTENCE),
        ("numbers", "3.14 1,000,000 US$56 10% 1/2 2nd 3rd " * 100),
        ("abbreviations", "U.S. U.K. Dr. Mr. Mrs. e.g. i.e. etc. Col. Gen. " * 50 + SENTENCE),
    ]
    return out


def hostile_inputs() -> list[tuple[str, bytes]]:
    """Every hostile input as bytes: the texts above as UTF-8 (surrogates escaped), plus inputs
    that are not UTF-8 text at all."""
    out = [(name, text.encode("utf-8", "surrogatepass")) for name, text in _texts()]
    out += [
        ("empty", b""),
        ("whitespace", b"  \n\t \r\n"),
        ("nul", b"\x00" * 100),
        ("nul-inside", SENTENCE.encode() + b"\x00" + SENTENCE.encode()),
        ("nul-late", SENTENCE.encode() * 400 + b"\x00"),
        ("utf16-bom", "\ufeff".encode("utf-16-le") + SENTENCE.encode("utf-16-le")),
        ("utf16-be", SENTENCE.encode("utf-16-be")),
        ("utf8-bom", b"\xef\xbb\xbf" + SENTENCE.encode()),
        ("latin1", "Café au lait, naïve façade.".encode("latin-1")),
        ("cp1252", "\u201csmart quotes\u201d".encode("cp1252")),
        ("invalid-utf8", b"\xff\xfe\xfd" + SENTENCE.encode()),
        ("truncated-utf8", SENTENCE.encode() + "é".encode()[:1]),
        ("overlong", b"\xc0\xaf" + SENTENCE.encode()),
        ("png", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
        ("gzip", b"\x1f\x8b\x08\x00" + bytes(200)),
        ("pdf", b"%PDF-1.4\n" + bytes(range(256))),
        ("random", bytes((k * 7919 + 13) % 256 for k in range(5000))),
        ("high-bytes", bytes(range(128, 256)) * 10),
        ("bom-only", b"\xef\xbb\xbf"),
        ("surrogate-bytes", b"\xed\xa0\x80" + SENTENCE.encode()),
    ]
    return out


assert len(hostile_inputs()) >= 100, len(hostile_inputs())
