"""Real test files: PDFs drawn by matplotlib, encrypted by pypdf, HTML pages with site chrome."""

from __future__ import annotations

from pathlib import Path

HTML = """<html><head><title>Russia opens school | Example News</title>
<meta property="og:site_name" content="Example News"><meta name="date" content="2020-03-12"></head>
<body><nav>Home | World | Sport</nav><article><h1>Russia opens a new school in Dushanbe</h1>
<p>The school will teach 1,200 pupils in Russian and Tajik, officials said on Thursday in the capital.</p>
<p>It is the third such school built with Russian money since 2015, according to the embassy statement.</p>
</article><footer>Leave a Reply. Subscribe to our newsletter.</footer></body></html>"""


def write_pdf(path: Path, lines: list[str]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.5, 11))
    for i, line in enumerate(lines):
        fig.text(0.05, 0.95 - i * 0.04, line, fontsize=10)
    fig.savefig(path, format="pdf")
    plt.close(fig)
    return path


def write_encrypted_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    plain = write_pdf(path.with_suffix(".plain.tmp"), ["Secret article about a border post."])
    writer = PdfWriter()
    writer.append(plain)
    writer.encrypt("secret")
    writer.write(path)
    plain.unlink()
    return path


def write_broken(folder: Path) -> dict[str, Path]:
    """One file per failure reason, named by it."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "empty": folder / "empty.txt",
        "whitespace": folder / "blank.md",
        "binary": folder / "binary.txt",
        "malformed_pdf": folder / "truncated.pdf",
        "not_pdf": folder / "fake.pdf",
        "encrypted_pdf": folder / "locked.pdf",
    }
    files["empty"].write_bytes(b"")
    files["whitespace"].write_text("   \n\n\t  \n")
    files["binary"].write_bytes(bytes(range(256)) * 40)
    files["malformed_pdf"].write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer <<")
    files["not_pdf"].write_bytes(b"GIF89a this is an image, not a PDF")
    write_encrypted_pdf(files["encrypted_pdf"])
    return files


def write_stories(folder: Path, count: int, start: int = 0) -> dict[str, str]:
    """`count` short article files, each with one fact no other file states; returns
    {file name: a question only that file answers}."""
    folder.mkdir(parents=True, exist_ok=True)
    towns = ["Khujand", "Kulob", "Bokhtar", "Istaravshan", "Panjakent", "Isfara", "Vahdat", "Tursunzoda"]
    questions = {}
    for n in range(start, start + count):
        town, crates = towns[n % len(towns)], 1000 + 37 * n
        name = f"story-{n:04d}.txt"
        (folder / name).write_text(
            f"Aid convoy number {n} reaches {town}\n\nConvoy number {n} delivered {crates:,} crates of "
            f"medicine to {town} on Monday, the regional health office said. Drivers of convoy {n} "
            f"crossed the mountain pass at night. Officials in {town} thanked the donors of convoy {n}.\n")
        questions[name] = f"How many crates of medicine did convoy number {n} deliver to {town}?"
    return questions


def write_bomb_pdf(path: Path, expands_to: int = 300_000_000) -> Path:
    """A valid one-page PDF under 1 MB whose content stream inflates to `expands_to` bytes."""
    import zlib

    line = b"BT /F1 12 Tf 72 712 Td (A) Tj ET\n"
    stream = zlib.compress(line * (expands_to // len(line)), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


# Short stories dated at each precision (day, month, year, none) around the 2017 boundaries, for the
# date-range tests of every index.
DATED = {  # file: (the line that dates it, its one story)
    "d2016-12-31.txt": ("Publication Date 31 December 2016", "The Zorbian council closed the old bridge for repairs."),
    "d2017-01-01.txt": ("Publication Date 1 January 2017", "The Zorbian mint issued a new silver coin."),
    "d2017-03-05.txt": ("Publication Date 5 March 2017", "Zorbian farmers planted barley early after a mild winter."),
    "m2017-03.txt": ("Publication Date March 2017", "The Zorbian railway opened a branch line to the coast."),
    "d2017-12-31.txt": ("Publication Date 31 December 2017", "Zorbian fishermen landed a record catch of herring."),
    "y2017.txt": ("© 2017 Zorbia Wire", "The Zorbian choir toured three northern towns."),
    "d2018-01-01.txt": ("Publication Date 1 January 2018", "The Zorbian post office raised the price of stamps."),
    "undated.txt": ("", "The Zorbian museum acquired an ancient map."),
}
IN_2017 = {"d2017-01-01.txt", "d2017-03-05.txt", "m2017-03.txt", "d2017-12-31.txt", "y2017.txt"}
