"""Finding a web page's furniture in an article body, as spans to hide, never as edits.

Saved articles carry sign-up forms, membership appeals, read-more lists, captions and promos for
other stories. Citations point into the body by offset, so the body is never changed: this
module only says which whole lines are boilerplate and why, and a view can grey them out.

The rules are phrases seen across many news sites, plus a few block rules (lines repeated,
headline lists under a "More news" heading, a promo title above a "click here" paragraph, lines
after a republication notice). What they cannot catch: an unrelated paragraph inside the body
that reads like reporting (propaganda, a teaser of another story with no promo wording), and
site phrases in languages other than English.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Span:
    start: int  # [start, end) character offsets into the body
    end: int
    reason: str


@dataclass
class _Line:
    start: int
    end: int
    text: str  # stripped
    reason: str = ""


_CARDS = r"(visa|master ?card|american ?express|paypal|apple ?pay|google ?pay)"

# Phrases of page furniture, by label; case is ignored except where a capital matters. The first
# label that matches wins, so the specific labels come before the broad ones.
_RULES: dict[str, tuple[str, ...]] = {
    "audio note": (
        r"\bthis audio is (created|generated)\b",
        r"^listen to (this|the) (article|story)\b",
        r"^\d+ min(ute)?s? (read|listen)$",
    ),
    "photo caption": (
        r"(?-i:\((\d(st|nd|rd|th))? ?(L|R|C)\))",
        r"\((left|right|centre|center)\)",
        r"\((file )?photo\b[^)]*\)|\(file\)",
        r"\b(photo|image|picture)( credit)?: ",
        r"\bgetty images\b|\bshutterstock\b",
        r"\([^()]*/[^()]*\)\s*$",  # a credit such as "(Ministry of Defense/X)" ends the line
    ),
    "markup": (r"^<(p|div|span|figcaption|img|br)\b",),
    "subscription prompt": (
        r"^[.\s]*subscribe\b.{0,40}$",  # a button, not a sentence
        r"\bsubscribe (now|today)\b",
        r"\bsubscribe to (our|the) [\w ]{0,20}(newsletter|channel|podcast|updates|alerts)\b",
        r"\balready (a subscriber|have an account)\b",
        r"\bwhen you subscribe\b",
        r"\bsubscription\b.*\b(benefit|offer)\b|\b(benefit|offer)\b.*\bsubscription\b",
        r"\bsuccess\w* subscribed\b",
        r"\benter your email\b",
        r"\bto continue reading\b",
        r"\bregister (for free|now)\b|^registration is\b|\bby registering\b",
        r"\bcreate (an|my|your) account\b|\bnot your account\?|\blogged in\b",
        r"\bthank you for (registering|subscribing)\b",
        r"^(sign in|sign up|log in|register|subscribers? only)$",
    ),
    "form message": (
        r"^please,? (enter|refresh|select|provide)\b",
        r"\bmust be at least \d+ characters\b",
        r"\bspecial characters aren",
        r"\byou must be (over|at least) \d+",
        r"\bindicates required\b",
        r"\bopt[- ]out\b|\brecaptcha\b|^by clicking\b|\bterms of (use|service)\b",
        r"\bunsubscribe\b|^(e-?mail|first name|last name|password)\*?:?$",
    ),
    "membership appeal": (
        r"\bbecome a (member|supporter|patron)\b|\bgift (a )?membership\b",
        r"\bfunded by (our )?readers\b|\bsupport (our|independent) journalism\b",
        r"\bdonate (now|today|here)\b|\bmake a donation\b|\bfinancial contribution\b",
        r"\bnew (members|supporters)\b|\breaders like you\b",
        r"\bthanks to [\d,]+ (supporters|members|readers)\b",
        rf"^{_CARDS}( {_CARDS})*$",  # the card logos under a donation form
    ),
    "newsletter appeal": (
        r"\b(sign(ing|ed)? up|subscrib\w*|this|our|free|daily|weekly)\b[\w ]{0,30}\bnewsletters?\b",
        r"\bconfirmation email\b",
    ),
    "comment prompt": (
        r"\bjoin the (conversation|discussion|debate)\b|\bview comments\b|^\d*\s*comments?$",
        r"\bcomment(ing)? (guidelines|forum|policy)\b|\bleave a (comment|reply)\b",
        r"\bthought-provoking conversations\b|^(show|hide|load) comments\b",
    ),
    "unrelated insertion": (
        r"\bclick here\b|\bgives you all (of )?the latest\b|\b(download|get) (our|the) app\b",
    ),
    "navigation": (
        r"^skip to (main )?content$|^share (this|on)\b|^back to top$|^author image$",
        r"^(share|tweet|print|facebook|twitter|linkedin|whatsapp|telegram|copy link)$",
        r"^(advertisement|sponsored( content)?|home|menu|search)$",
        r"\bcookies?\b.*\b(accept|consent|settings|preferences)\b|^accept( all)?( cookies)?$",
        r"(?-i:^About (the author|us|[A-Z][\w.&/-]*( [A-Z][\w.&/-]*){0,3})$)",
    ),
    "press release header": (r"^(for immediate release|(press|news|media) release|###|-?ends-?)$",),
    "credit line": (
        r"^(with )?(additional )?reporting by\b|^(writing|editing) by\b",
        r"\bcontributed to this report\b",
        r"\b(originally|first) (appeared|appears|published)\b",
        r"^\(?(reuters|ap|afp|dpa|associated press|bloomberg|bns|elta)\)?$",
        r"^(source|sources|via): |^(©|\(c\)|copyright) ?\d{4}\b",
    ),
    "author bio": (
        r"^[\w .'-]{3,60} is an? [\w ,-]{0,60}\b(reporter|correspondent|editor|writer)\b",
        r"\b(twitter|x): ?@\w+",
    ),
}
_LINE_RULES = tuple(
    (reason, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))
    for reason, patterns in _RULES.items()
)

_LIST_HEADING = re.compile(
    r"^(more (news|stories)|more from\b.{1,40}|read more\b.{0,40}|related( \w+)?"
    r"|editors?['\u2019]? picks|news feed|most (read|popular|viewed)|recommended( for you)?"
    r"|(you )?(may|might) also like|also read|see also|latest news|top stories|trending( now)?"
    r"|what to read next|further reading)\W*$",
    re.IGNORECASE,
)
_REPUBLISHED = re.compile(r"\b(originally|first) (appeared|appears|published)\b", re.IGNORECASE)

_FORM = {"subscription prompt", "form message", "newsletter appeal"}

HEADLINE = 160  # list items are headlines and one-line teasers, never paragraphs
PROMO_TITLE = 80
LIST_MAX_ITEMS = 16
TAIL_MAX_LINES = 8  # a republication notice is followed by a few short lines at most


def boilerplate_spans(text: str) -> list[Span]:
    """Whole-line spans of page furniture in `text`, in order and not overlapping."""
    lines = _split_lines(text)
    for line in lines:
        line.reason = _line_reason(line.text)
    content = [line for line in lines if line.text]
    _mark_repeats(content)
    _mark_lists(content)
    _mark_promo_titles(content)
    _mark_republished_tail(content, len(text))
    _mark_sandwiched(lines)
    return _merge(lines)


def _split_lines(text: str) -> list[_Line]:
    lines, start = [], 0
    for raw in text.split("\n"):
        lines.append(_Line(start, start + len(raw), raw.strip()))
        start += len(raw) + 1
    return lines


def _line_reason(text: str) -> str:
    if not text:
        return ""
    for reason, pattern in _LINE_RULES:
        if pattern.search(text):
            return reason
    if _LIST_HEADING.match(text):
        return "read-more list"
    return ""


def _mark_repeats(content: list[_Line]) -> None:
    """Repeated labels and buttons are a form's: mark all copies. Of a repeated sentence, the
    earlier copies are the teaser or standfirst shown above the body: keep the last."""
    counts = Counter(line.text for line in content)
    seen: Counter[str] = Counter()
    for line in content:
        seen[line.text] += 1
        if counts[line.text] < 2 or line.reason:
            continue
        if not _is_sentence(line) or seen[line.text] < counts[line.text]:
            line.reason = "repeated line"


def _mark_lists(content: list[_Line]) -> None:
    """Headlines under a list heading ("MORE NEWS", "Related") are links elsewhere. An item is a
    short line with no closing full stop, or the one-line teaser right under such a line."""
    for index, line in enumerate(content):
        heading = line.reason == "read-more list" or (not line.reason and _is_caps_heading(line))
        if not heading:
            continue
        items: list[_Line] = []
        for item in content[index + 1 : index + 1 + LIST_MAX_ITEMS]:
            teaser = items and _is_headline(items[-1]) and item.start == items[-1].end + 1
            if item.reason or len(item.text) > HEADLINE or not (_is_headline(item) or teaser):
                break
            items.append(item)
        if line.reason or len(items) >= 2:
            for item in [line, *items]:
                item.reason = "read-more list"


def _is_headline(line: _Line) -> bool:
    return len(line.text) <= HEADLINE and not _is_sentence(line)


def _is_sentence(line: _Line) -> bool:
    return line.text.endswith((".", "!", "?", '"', "\u201d"))


def _is_caps_heading(line: _Line) -> bool:
    letters = [char for char in line.text if char.isalpha()]
    return (
        len(letters) >= 4
        and len(line.text.split()) <= 5
        and all(char.isupper() for char in letters)
        and not any(char.isdigit() for char in line.text)
    )


def _mark_promo_titles(content: list[_Line]) -> None:
    """A promo paragraph ("... click here") usually sits under its own short title."""
    for before, line in pairwise(content):
        if (
            line.reason == "unrelated insertion"
            and not before.reason
            and len(before.text) <= PROMO_TITLE
            and not _is_sentence(before)
        ):
            before.reason = "unrelated insertion"


def _mark_republished_tail(content: list[_Line], length: int) -> None:
    """After "This article originally appeared at ..." the article is over: what follows
    belongs to the republishing site. Only a short tail near the end counts, so a notice at
    the top of an article never hides the article."""
    for index, line in enumerate(content):
        if line.start < 0.6 * length or not _REPUBLISHED.search(line.text):
            continue
        tail = content[index + 1 :]
        if len(tail) <= TAIL_MAX_LINES and all(len(item.text) <= 200 for item in tail):
            for item in tail:
                item.reason = item.reason or "unrelated insertion"
        return


def _mark_sandwiched(lines: list[_Line]) -> None:
    """A short label between two lines of one form (a newsletter's name) belongs to the form."""
    for before, line, after in zip(lines, lines[1:], lines[2:], strict=False):
        if (
            line.text
            and not line.reason
            and before.reason
            and before.reason == after.reason
            and len(line.text) <= PROMO_TITLE
            and not _is_sentence(line)
        ):
            line.reason = before.reason


def _merge(lines: list[_Line]) -> list[Span]:
    """One span per run of same-reason lines (a sign-up form's prompts and messages count as one
    reason, the run's first); blank lines between them do not break a run."""
    spans: list[Span] = []
    previous = ""  # the reason of the last non-blank line
    for line in lines:
        if not line.text:
            continue
        if line.reason and _same_run(previous, line.reason):
            spans[-1] = Span(spans[-1].start, line.end, spans[-1].reason)
        elif line.reason:
            spans.append(Span(line.start, line.end, line.reason))
        previous = line.reason
    return spans


def _same_run(previous: str, reason: str) -> bool:
    return reason == previous or (previous in _FORM and reason in _FORM)
