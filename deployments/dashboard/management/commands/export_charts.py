"""`export_charts --chart C --out DIR [--format F]... [filters] [--each-host]`: chart images in
bulk, the same pictures /charts/<chart>.<format> serves, one file per host and format."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from time import monotonic

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django.utils import timezone
from tqdm import tqdm

from deployments.dashboard import images
from deployments.dashboard.chart_images import CHARTS, ChartRequest, file_name, parse_request
from deployments.dashboard.chart_images import render as render_chart
from deployments.dashboard.event_data import host_name
from deployments.dashboard.filters import FilterError
from deployments.dashboard.views import _force_records
from deployments.records.models import Event

# Options that are the page's query parameters, with the same names (dashes for underscores).
REPEATED = ("host", "contributor", "kind", "unit")
SINGLE = (
    "from",
    "to",
    "q",
    "disputed",
    "rows",
    "as_of",
    "view_from",
    "view_to",
    "width",
    "height",
    "scale",
)


class Command(BaseCommand):
    help = (
        "Write chart images (PNG, SVG, PDF) with the title, filters and sources footer the site's "
        "export menu gives them. Filters take the values of the page's query parameters. "
        "Exits non-zero if any file could not be written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chart", required=True, choices=CHARTS)
        parser.add_argument(
            "--format",
            action="append",
            choices=sorted(images.FORMATS),
            dest="formats",
            help="png, svg or pdf; repeat for several (default: png).",
        )
        parser.add_argument("--out", required=True, type=Path, metavar="DIR")
        parser.add_argument(
            "--each-host",
            action="store_true",
            help="One file per host country (those given with --host, or every host with events).",
        )
        parser.add_argument(
            "--site",
            default=settings.SITE_URL,
            help="Where the dashboard is served, for the page link in the footer "
            "(default: DJANGO_SITE_URL, else http://127.0.0.1:8000).",
        )
        for name in REPEATED:
            parser.add_argument(f"--{name}", action="append", default=[], metavar="CODE")
        for name in SINGLE:
            parser.add_argument(f"--{name.replace('_', '-')}", dest=name, metavar="VALUE")

    def handle(self, *args, **options) -> None:
        query = QueryDict(mutable=True)
        for name in REPEATED:
            query.setlist(name, options[name])
        for name in SINGLE:
            if options[name] is not None:
                query[name] = options[name]
        try:
            wanted = parse_request(options["chart"], query, each_host=options["each_host"])
        except FilterError as error:
            option = "--" + error.param.replace("_", "-")
            raise CommandError(f"{option}: {error.message}") from None
        formats = list(dict.fromkeys(options["formats"] or ["png"]))
        out: Path = options["out"]
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"--out: cannot use {str(out)!r} as a folder ({error})") from None

        requests = [wanted]
        if options["each_host"]:
            requests = [wanted.with_host(code) for code in _hosts(wanted)]
        if not requests:
            raise CommandError("--each-host: no host country has events matching these filters.")
        jobs = [(request, fmt) for request in requests for fmt in formats]
        today = timezone.localdate()
        started, written, failed = monotonic(), [], []
        # The bar goes to the raw stream: OutputWrapper ends every write with a newline.
        # Every file redraws it (mininterval=0): a file drawn within tqdm's default 0.1 s
        # of the last redraw would otherwise never show as counted.
        bar = tqdm(total=len(jobs), unit="file", file=self.stderr._out, leave=False, mininterval=0)
        with bar:
            for request, fmt in jobs:
                name = file_name(request, fmt, today)
                bar.set_description(name)
                try:
                    body = render_chart(request, fmt, site=options["site"], today=today)
                except images.RendererUnavailable as error:
                    raise CommandError(str(error)) from None
                except images.RenderTimeout as error:
                    failed.append(f"{name}: {error}")
                except FilterError as error:  # too small to draw
                    failed.append(f"{name}: --{error.param}: {error.message}")
                else:
                    _write(out / name, body)
                    written.append(name)
                bar.update()

        for name in written:
            self.stdout.write(str(out / name))
        for failure in failed:
            self.stderr.write(f"failed: {failure}")
        hosts = f" for {len(requests)} hosts" if options["each_host"] else ""
        self.stdout.write(
            f"Wrote {len(written)} of {len(jobs)} files{hosts} to {out} "
            f"in {monotonic() - started:.1f} s."
        )
        if failed:
            raise CommandError(f"{len(failed)} of {len(jobs)} files could not be drawn.")


def _hosts(wanted: ChartRequest) -> list[str]:
    """The host countries to draw, by name: those asked for, or every one with events (force
    records, for the totals and levels charts) matching the other filters."""
    if wanted.filters.host:
        codes = set(wanted.filters.host)
    elif wanted.chart == "timeline":
        published = Event.objects.published().for_filters(wanted.filters)
        codes = set(published.exclude(host_country="").values_list("host_country", flat=True))
    else:
        codes = {record.host for record in _force_records(wanted.filters) if record.host}
    return sorted(codes, key=lambda code: host_name(code).casefold())


def _write(path: Path, body: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, renamed over it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(body)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
