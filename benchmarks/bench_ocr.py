"""OCR of scanned records: word accuracy and pages per minute.

Scanned pages we make ourselves: the seed case's records (tests/unit/assist/records/seed, our
own fictional text) are rendered to a PDF, rasterised (pdftoppm) at a scanner's 300 dpi, a
fine fax's 200 dpi and a standard fax's 100 dpi with speckle noise and a slight tilt, put back
together as image-only PDFs, and read back by the OCR path the service uses
(`openimr.ocr.OcrMyPdf`, one page at a time). Word accuracy is 1 - word error rate
(Levenshtein over words, case and punctuation ignored) against the text that was rendered.

    .venv/bin/python benchmarks/bench_ocr.py [--dpi 300 200 100]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RECORDS = REPO / "tests" / "unit" / "assist" / "records" / "seed"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def word_errors(truth: list[str], seen: list[str]) -> int:
    """Levenshtein distance over words."""
    previous = list(range(len(seen) + 1))
    for i, t in enumerate(truth, 1):
        current = [i]
        for j, s in enumerate(seen, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (t != s)))
        previous = current
    return previous[-1]


def scan(text: str, folder: Path, dpi: int, noisy: bool) -> Path:
    """`text` typed, printed and scanned: an image-only PDF."""
    from PIL import Image, ImageFilter
    from weasyprint import HTML

    html = f"<pre style='font: 11pt serif; white-space: pre-wrap'>{text}</pre>"
    typed = folder / "typed.pdf"
    typed.write_bytes(HTML(string=html).write_pdf())
    for old in folder.glob("p-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(typed), str(folder / "p")], check=True
    )
    rng = random.Random(dpi)
    pages = []
    for path in sorted(folder.glob("p-*.png")):
        image = Image.open(path).convert("L")
        if noisy:  # a fax: slight tilt, speckle, a little blur
            image = image.rotate(rng.uniform(-1.0, 1.0), expand=True, fillcolor=255)
            pixels = image.load()
            for _ in range(image.width * image.height // 400):
                x, y = rng.randrange(image.width), rng.randrange(image.height)
                pixels[x, y] = 0
            image = image.filter(ImageFilter.GaussianBlur(0.4))
        pages.append(image)
    out = folder / f"scan-{dpi}.pdf"
    pages[0].save(out, save_all=True, append_images=pages[1:], resolution=dpi)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, nargs="+", default=[300, 200, 100])
    args = parser.parse_args()
    if not shutil.which("ocrmypdf") or not shutil.which("pdftoppm"):
        print("bench_ocr: skipped (ocrmypdf or pdftoppm not installed)")
        return 0
    from openimr.ocr import OcrMyPdf
    from openimr.pdftext import pdf_page_count
    from openimr.service.document_text import one_page

    engine = OcrMyPdf()
    records = sorted(RECORDS.glob("*.txt"))
    print(f"bench_ocr: {len(records)} records of the seed case, one page each")
    for dpi in args.dpi:
        noisy = dpi <= 100
        errors = total = pages = 0
        seconds = 0.0
        with tempfile.TemporaryDirectory() as tmp:
            for record in records:
                text = record.read_text(encoding="utf-8")
                pdf = scan(text, Path(tmp), dpi, noisy).read_bytes()
                for page_no in range(1, pdf_page_count(pdf) + 1):
                    started = time.perf_counter()
                    seen = engine.page_text(one_page(pdf, page_no))
                    seconds += time.perf_counter() - started
                    pages += 1
                truth = words(text)
                errors += word_errors(truth, words(seen))
                total += len(truth)
        accuracy = 1 - errors / max(total, 1)
        kind = "fax, noisy" if noisy else "scan"
        print(
            f"  {dpi:>3} dpi ({kind}): word accuracy {accuracy:.3f} ({total - errors}/{total}"
            f" words), {pages} pages in {seconds:.1f} s = {60 * pages / seconds:.1f} pages/minute"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
