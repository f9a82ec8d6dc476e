#!/usr/bin/env python3
"""Makes the PDF's embedded faces (crates/pdf/fonts/*.otf) from Noto CJK.

Run by hand when the character set changes; the output is committed. Needs
fontTools (PyPI `fonttools`) and Debian's fonts-noto-cjk (Noto Serif/Sans CJK,
SIL Open Font License 1.1, see crates/pdf/fonts/LICENSE-noto-cjk.txt).

Faces: Song-style body (Noto Serif CJK SC Regular and Bold) and Hei-style
headings (Noto Sans CJK SC Bold), subset to GB 2312 (all 7,445 characters),
ASCII, and every character of the profiles, the examples and the seed. Each is
renamed "Juesuan Serif SC" / "Juesuan Sans SC" so that an installed full Noto
face is never shadowed by the subset.

    python3 scripts/subset-fonts.py            # writes crates/pdf/fonts/
"""
import glob, os, subprocess, sys
from fontTools.ttLib import TTFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates/pdf/fonts")
NOTO = "/usr/share/fonts/opentype/noto"

chars = set(chr(c) for c in range(0x20, 0x7F))
for b1 in range(0xA1, 0xF8):
    for b2 in range(0xA1, 0xFF):
        try:
            chars.add(bytes([b1, b2]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
sources = [f for pattern in ("profiles/**/*", "examples/**/*", "crates/**/*.rs", "crates/**/*.typ")
           for f in glob.glob(os.path.join(ROOT, pattern), recursive=True)]
sources += glob.glob(os.path.join(ROOT, "../shared/seed/*.txt"))
for f in sources:
    if os.path.isfile(f):
        try:
            chars.update(c for c in open(f, encoding="utf-8").read() if ord(c) >= 0x80 and c.isprintable())
        except (UnicodeDecodeError, OSError):
            pass
text = "".join(sorted(chars))
with open(os.path.join(OUT, "CHARACTERS.txt"), "w", encoding="utf-8") as f:
    f.write(text + "\n")

FACES = [("Serif", "Regular", "Juesuan Serif SC"), ("Serif", "Bold", "Juesuan Serif SC"),
         ("Sans", "Bold", "Juesuan Sans SC")]
for kind, weight, family in FACES:
    out = os.path.join(OUT, f"JuesuanNoto{kind}SC-{weight}.otf")
    subprocess.run(["pyftsubset", f"{NOTO}/Noto{kind}CJK-{weight}.ttc", "--font-number=2",
                    f"--text-file={os.path.join(OUT, 'CHARACTERS.txt')}",
                    "--layout-features=kern,liga,locl,halt,palt", "--no-hinting",
                    f"--output-file={out}"], check=True)
    font = TTFont(out)
    name = font["name"]
    ps = family.replace(" ", "") + "-" + weight
    for rec in list(name.names):
        if rec.nameID in (1, 16):
            rec.string = family
        elif rec.nameID in (2, 17):
            rec.string = weight
        elif rec.nameID in (3, 4):
            rec.string = f"{family} {weight}"
        elif rec.nameID == 6:
            rec.string = ps
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [ps]
        top = cff.topDictIndex[0]
        top.FamilyName = family
        top.FullName = f"{family} {weight}"
    font.save(out)
    print(out, os.path.getsize(out), file=sys.stderr)
