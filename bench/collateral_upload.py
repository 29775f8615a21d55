"""Collateral: what a 20 MB PDF upload costs before it is kept and shown, in-process.

A brochure of ``--megabytes`` (three pages of text, made large, as real ones are, by a
picture on the first page: ``sample_pdf.make_pdf_of_size``) goes through
``files.check_upload`` (size, signature, PDFium opening it, SHA-256 of every byte),
``previews.extract_text`` (every page's text) and ``previews.render_page`` (the first
page as an 800-pixel PNG), each timed alone and the three together. The upload is read
from a file on disk, as a large upload arrives (Django spools it to a temporary file).
No database is touched.
"""

import argparse
import tempfile
import time
from pathlib import Path

from common import setup, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=20, help="size of the PDF")
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each step")
    args = parser.parse_args()
    setup()
    from django.core.files.base import File

    from tandem.collateral.files import check_upload
    from tandem.collateral.previews import extract_text, render_page
    from tandem.collateral.sample_pdf import make_pdf_of_size

    words = [
        "spring",
        "offer",
        "members",
        "save",
        "twenty",
        "percent",
        "on",
        "every",
        "plan",
        "until",
        "april",
    ]
    data = make_pdf_of_size(args.megabytes * 1024 * 1024, words=words)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "brochure.pdf")
        Path(path).write_bytes(data)

        def check() -> None:
            with open(path, "rb") as handle:
                check_upload(File(handle, name="brochure.pdf"))

        steps = {
            "check_upload": check,
            "extract_text": lambda: extract_text(path, "pdf"),
            "render_page(0)": lambda: render_page(path, "pdf", 0),
        }
        print(f"PDF of {len(data) / 2**20:.1f} MB, {args.runs} runs after a warm-up")
        totals = [0.0] * args.runs
        for name, work in steps.items():
            work()
            millis = []
            for run in range(args.runs):
                began = time.perf_counter()
                work()
                millis.append((time.perf_counter() - began) * 1000)
                totals[run] += millis[-1]
            print(summary(name, millis))
        print(summary("all three", totals))


if __name__ == "__main__":
    main()
