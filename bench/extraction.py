"""Extraction quality on the seed articles, scored against the curated events.

    .venv/bin/python bench/extraction.py [--quiet]

Reads fixtures/curated.json (no database) and the seed files in SEEDS_DIR, matches each file to
its curated article by the SHA-256 of its body, runs the extractor over it with the article's
published date, and compares candidates with the events cited from that article on
(host_country, contributor, quantity). A curated event is recalled when some candidate of the
same article has its triple (an event without a quantity matches a candidate without one); a
candidate is precise when its triple is some curated event's of that article. Prints per-article
and overall precision and recall, every miss and every false candidate, then the same score for
the hand-written articles in tests/test_extraction.py. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "deployments.settings"
os.environ["DJANGO_DEBUG"] = "true"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from deployments.extraction.extractor import extract  # noqa: E402
from deployments.ingest.articles import read_article_file  # noqa: E402
from deployments.ingest.boilerplate import boilerplate_spans  # noqa: E402
from deployments.records.models import text_sha256  # noqa: E402

Triple = tuple[str, str, int | None]


def _load_curated() -> tuple[dict, dict, dict]:
    """(articles by sha256, events by pk, {sha256: {event pks cited from it}})."""
    records = json.loads((ROOT / "fixtures" / "curated.json").read_text(encoding="utf-8"))
    articles, events, cited = {}, {}, defaultdict(set)
    for record in records:
        fields = record["fields"]
        if record["model"] == "records.article":
            articles[fields["sha256"]] = fields
        elif record["model"] == "records.event":
            events[record["pk"]] = fields
    for record in records:
        if record["model"] == "records.citation":
            fields = record["fields"]
            article = fields["article"]
            sha = article[0] if isinstance(article, list) else article
            cited[sha].add(fields["event"])
    return articles, events, cited


def _quotes(records: list[dict], sha: str, event: int, body: str) -> list[str]:
    return [
        body[r["fields"]["start"] : r["fields"]["end"]]
        for r in records
        if r["model"] == "records.citation"
        and r["fields"]["event"] == event
        and (r["fields"]["article"][0] if isinstance(r["fields"]["article"], list) else "") == sha
    ]


def score(expected: dict[int, Triple], candidates: list) -> tuple[set[int], list]:
    """(recalled expected keys, false candidates)."""
    triples = {(c.host_country, c.contributor, c.quantity) for c in candidates}
    recalled = {key for key, triple in expected.items() if triple in triples}
    wanted = set(expected.values())
    false = [c for c in candidates if (c.host_country, c.contributor, c.quantity) not in wanted]
    return recalled, false


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f} ({part}/{whole})" if whole else "n/a"


def run_seeds(verbose: bool) -> tuple[int, int, int, int]:
    articles, events, cited = _load_curated()
    records = json.loads((ROOT / "fixtures" / "curated.json").read_text(encoding="utf-8"))
    totals = [0, 0, 0, 0]  # recalled, curated, precise, candidates
    for path in sorted(Path(settings.SEEDS_DIR).glob("*.txt")):
        body = read_article_file(path)
        sha = text_sha256(body)
        article = articles.get(sha)
        if article is None:
            print(f"{path.name}: no curated article has this body's SHA-256; skipped")
            continue
        published = date.fromisoformat(article["published"]) if article["published"] else None
        # As the admin does: the text outside its boilerplate.
        skip = [(span.start, span.end) for span in boilerplate_spans(body)]
        candidates = extract(
            body,
            skip=skip,
            published=published,
            published_precision=article["published_precision"],
        )
        expected = {
            pk: (
                events[pk].get("host_country", ""),
                events[pk]["contributor"],
                events[pk].get("quantity"),
            )
            for pk in sorted(cited[sha])
        }
        recalled, false = score(expected, candidates)
        precise = len(candidates) - len(false)
        recall = _ratio(len(recalled), len(expected))
        print(
            f"{path.name} ({article['title'][:50]}): recall {recall}, "
            f"precision {_ratio(precise, len(candidates))}"
        )
        for pk in sorted(set(expected) - recalled):
            print(f"  MISS  event {pk} {expected[pk]}: {events[pk]['summary']}")
            if verbose:
                for quote in _quotes(records, sha, pk, body):
                    print(f"          quote: {quote}")
        for candidate in false:
            triple = (candidate.host_country, candidate.contributor, candidate.quantity)
            print(f"  FALSE {triple} {candidate.kind}: {candidate.quote[:160]}")
        for number, value in enumerate((len(recalled), len(expected), precise, len(candidates))):
            totals[number] += value
    return tuple(totals)


def run_own_articles() -> None:
    try:
        from tests.test_extraction import OWN_ARTICLES
    except ImportError as exc:
        print(f"own articles: not available ({exc})")
        return
    recalled_total = expected_total = precise_total = candidate_total = 0
    for name, (text, published, triples) in OWN_ARTICLES.items():
        candidates = extract(text, published=published)
        expected = dict(enumerate(triples))
        recalled, false = score(expected, candidates)
        print(
            f"{name}: recall {_ratio(len(recalled), len(expected))}, "
            f"precision {_ratio(len(candidates) - len(false), len(candidates))}"
        )
        for key in sorted(set(expected) - recalled):
            print(f"  MISS  {expected[key]}")
        for candidate in false:
            triple = (candidate.host_country, candidate.contributor, candidate.quantity)
            print(f"  FALSE {triple} {candidate.kind}: {candidate.quote[:160]}")
        recalled_total += len(recalled)
        expected_total += len(expected)
        precise_total += len(candidates) - len(false)
        candidate_total += len(candidates)
    print(
        f"own articles overall: recall {_ratio(recalled_total, expected_total)}, "
        f"precision {_ratio(precise_total, candidate_total)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quiet", action="store_true", help="do not print the missed quotes")
    args = parser.parse_args()
    recalled, curated, precise, candidates = run_seeds(verbose=not args.quiet)
    print(
        f"\nSEEDS OVERALL: recall {_ratio(recalled, curated)}, "
        f"precision {_ratio(precise, candidates)}\n"
    )
    run_own_articles()


if __name__ == "__main__":
    main()
