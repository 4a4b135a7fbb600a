"""Chat shorthand read as the words it stands for: "how many ppl were killed" asks
about people.

Discord users type questions the way they chat. The articles never write "ppl", so a
question holding it lost its key word: BM25 had no term for it and the not-found rule
counted it as a word the articles never use ("how many ppl were killed in the sumy air
strikes" was refused while "people" was answered). Question words matter as much:
"wat" and "y" hide what a question asks for ("y did putin ..." asks for a reason).
Filler ("lol", "tbh") carries nothing to match and is dropped.

Only whole tokens are read: "U.S." and "w/o" are not "you" and "with"; a word
inside a longer one is never touched. The list is English chat usage, not a setting:
what "ppl" means does not change from server to server.
"""

from __future__ import annotations

import re

# Shorthand -> the words meant. Each is unambiguous in a question about news.
_MEANS = {
    "ppl": "people",
    "ppls": "people",
    "abt": "about",
    "bc": "because",
    "b/c": "because",
    "cuz": "because",
    "coz": "because",
    "bcuz": "because",
    "w/": "with",
    "w/o": "without",
    "u": "you",
    "ur": "your",
    "r": "are",
    "wat": "what",
    "wut": "what",
    "wht": "what",
    "wen": "when",
    "whn": "when",
    "whr": "where",
    "hw": "how",
    "govt": "government",
    "gov't": "government",
    "pres": "president",
    "intl": "international",
    "yr": "year",
    "yrs": "years",
    "b4": "before",
    "thru": "through",
    "tho": "though",
    "rn": "now",
    "smth": "something",
    "sth": "something",
    "convo": "conversation",
}
# Chat filler: nothing of what is asked.
_FILLER = frozenset(
    "lol lmao lmfao rofl tbh imo imho btw pls plz ngl fr smh lmk iirc afaik idk fyi".split()  # noqa: SIM905
)
# "y" is "why" only where a question word stands: at the start ("y did putin ...").
_WHY_AT_START = re.compile(
    r"^(\W*)y(?=\s+(?:did|do|does|is|are|was|were|has|have|would|will|can|should)\b)", re.I
)
# A polite lead-in asks nothing itself: "Could someone explain why Russia paused the
# fighting?" asks why, and "why" no longer opened the question, so no reason was looked
# for; "explain" and "someone" were words the articles never use. Dropped when a
# question follows it ("explain?" stays as typed).
_LEAD_IN = re.compile(
    r"^\W*(?:(?:hey|hi|hello|so|ok|okay)\b[,!\s]+)?"
    r"(?:(?:could|can|would|will)\s+(?:someone|somebody|anyone|anybody|you|u)\s+(?:please\s+)?"
    r"(?:tell\s+me|explain(?:\s+to\s+me)?|let\s+me\s+know|remind\s+me|clarify)"
    r"|(?:does|do)\s+(?:anyone|anybody|someone|somebody|you|u)\s+know"
    r"|would\s+(?:anyone|anybody|someone|somebody|you)\s+(?:happen\s+to\s+)?know"
    r"|(?:i['’]?d|i\s+would)\s+like\s+to\s+know"
    r"|i\s+(?:want|wanna|need)\s+to\s+know"
    r"|i\s+wonder(?:ed)?|i['’]?m\s+wondering"
    r"|(?:please\s+)?(?:tell|remind)\s+me|(?:please\s+)?explain(?:\s+to\s+me)?)"
    r"\b[,:\s]*(?=.*[^\W\d_])",
    re.I,
)
_WORDS = sorted([*_MEANS, *_FILLER], key=len, reverse=True)  # "w/o" before "w/"
# A whole token: not part of a word, an abbreviation ("U.S."), a contraction or a path.
_TOKEN = re.compile(
    r"(?<![\w.'’/-])(" + "|".join(re.escape(w) for w in _WORDS) + r")(?![\w'’/-]|\.\w)",
    re.I,
)
_SPACES = re.compile(r"[ \t]{2,}")


def _written_out(match: re.Match[str]) -> str:
    word = match.group(1)
    if len(word) == 1 and word.isupper():
        return word  # "R. Umerov", "Plan U": an initial, not "are" or "you"
    return _MEANS.get(word.lower(), "")


def expand_shorthand(text: str) -> str:
    """``text`` with chat shorthand written out, filler and a polite lead-in ("could
    someone explain ...") dropped; ``text`` itself when it holds none."""
    expanded = _LEAD_IN.sub("", text, count=1)
    expanded = _WHY_AT_START.sub(lambda m: m.group(1) + "why", expanded)
    expanded = _TOKEN.sub(_written_out, expanded)
    if expanded == text:
        return text
    expanded = _SPACES.sub(" ", expanded).strip()
    return re.sub(r"\s+([?!.,])", r"\1", expanded)
