"""Build the hostile corpus: files made to break a reader, a writer or the watcher itself.

Run from the repository root: ``.venv/bin/python tests/data/hostile/build_hostile.py``.
Deterministic (seeded); the outputs are committed beside this script, so the tests never
build them. The encrypted workbooks need ``msoffcrypto-tool`` (the .xlsx, encrypted as Excel
does) and LibreOffice with its Python bridge (``python3-uno``: the .xls and .ods, through
``encrypt_with_libreoffice.py``); without them the committed copies are kept.

What ``test_hostile_corpus.py`` expects of each file is in its ``EXPECTED`` table; the cases
made at test time (links, a pipe, names a repository cannot hold) are built there.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
HEADERS = ["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Nature",
           "Objet", "Description", "Téléphone"]
ROW = ["02/03/2026", "Email", "Apprenant", "Jeanne Martin", "Réclamation",
       "Salle trop froide", "La salle 3 était à 15 °C.", "06 12 34 56 78"]
WORDS = ("formation", "salle", "formateur", "retard", "dossier", "inscription", "session",
         "convocation", "attestation", "planning", "stagiaire", "évaluation", "repas", "accueil")
# Text that a spreadsheet would run as a formula if it were written carelessly.
INJECTIONS = ("=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x.invalid\",\"clic\")", "+1+1",
              "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "＝1+1", " =1+1",
              "=DDE(\"cmd\";\"/C calc\";\"x\")", "'=1+1", ";=1+1", "=1+1&\"x\"",
              "%0A=1+1", "=\"=1+1\"")
XXE_TARGET = "file:///etc/hostname"
_LAUGHS = "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefg", "bcdefgh",
                                                                          strict=True))
ENTITIES = (f'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">{_LAUGHS}'
            f'<!ENTITY xxe SYSTEM "{XXE_TARGET}">]>')
WHEN = datetime(2026, 3, 6, 16, 20, tzinfo=UTC)


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed after a quote in Excel: a text, stored as such
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None],
          extra: dict[str, bytes] | None = None) -> bytes:
    """``data`` (a zip) with each member passed through ``change`` (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            changed = change(info.filename, source.read(info))
            if changed is not None:
                target.writestr(info.filename, changed)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def with_entities(data: bytes, part: str) -> bytes:
    """A billion-laughs DTD and an external entity in ``part``, and both used in its text."""
    def change(name: str, content: bytes) -> bytes:
        if name != part:
            return content
        text = content.decode("utf-8")
        if text.startswith("<?xml"):
            end = text.index("?>") + 2
            text = text[:end] + ENTITIES + text[end:]
        else:
            text = ENTITIES + text
        text = text.replace("Salle trop froide", "&h;&xxe;", 1).replace(
            "Sheet", "&h;", 1) if part != "[Content_Types].xml" else text
        return text.encode("utf-8")
    return rezip(data, change)


def far_cell(data: bytes) -> bytes:
    return rezip(data, lambda name, content: content.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
        b"</c></row></sheetData>") if name == "xl/worksheets/sheet1.xml" else content)


def declared_range(data: bytes) -> bytes:
    def change(name: str, content: bytes) -> bytes:
        if name != "xl/worksheets/sheet1.xml":
            return content
        start = content.index(b"<dimension")
        end = content.index(b"/>", start) + 2
        return content[:start] + b'<dimension ref="A1:XFD1048576"/>' + content[end:]
    return rezip(data, change)


def zip_bombs(base: bytes) -> dict[str, bytes]:
    bombs: dict[str, bytes] = {}
    zeros = b"\0" * (1024 * 1024)
    out = io.BytesIO()  # declares more than intake.max_uncompressed_mb in one member
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        with zipfile.ZipFile(io.BytesIO(base)) as source:
            for info in source.infolist():
                target.writestr(info.filename, source.read(info))
        with target.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            for _ in range(320):
                member.write(zeros)
    bombs["bomb-declared-size.xlsx"] = out.getvalue()
    bombs["bomb-ratio.xlsx"] = rezip(base, lambda _n, c: c, {"xl/media/image1.bin": zeros * 8})
    lying = bytearray(rezip(base, lambda _n, c: c, {"xl/media/image1.bin": zeros * 8}))
    # The local and central headers of the last member say 1 KB instead of 8 MB.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = lying.rfind(signature)
        lying[position + offset:position + offset + 4] = (1024).to_bytes(4, "little")
    bombs["bomb-lying-headers.xlsx"] = bytes(lying)
    bombs["bomb-10001-parts.xlsx"] = rezip(
        base, lambda _n, c: c, {f"xl/media/p{n}.bin": b"x" for n in range(10_001)})
    return bombs


def long_text(size: int, seed: int) -> str:
    chooser = random.Random(seed)
    words: list[str] = []
    length = 0
    while length < size:
        word = chooser.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words)[:size]


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8") -> bytes:
    lines = [";".join(f'"{c}"' if (";" in c or "\n" in c or '"' in c) else c for c in row)
             for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def injection_rows() -> list[list[object]]:
    rows: list[list[object]] = [HEADERS]
    for number, payload in enumerate(INJECTIONS, start=1):
        rows.append(["02/03/2026", "Email", "Apprenant", f"{payload} Nom{number}",
                     "Réclamation", f"{payload} objet{number}", f"{payload} description{number}",
                     payload])
    return rows


def mail(subject: str, body: str, *, attachments: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
         message_id: str, sender: str = "Camille Roux <camille.roux@exemple.fr>") -> bytes:
    message = EmailMessage()
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(WHEN)
    message["From"] = sender
    message["To"] = "qualite@organisme-exemple.fr"
    message["Subject"] = subject
    message.set_content(body)
    for name, data in attachments:
        message.add_attachment(data, maintype="application", subtype="octet-stream",
                               filename=name)
    return message.as_bytes()


def nested_mail(depth: int) -> bytes:
    """A mail forwarded as an attachment, ``depth`` times over (each level a plain
    ``message/rfc822`` part, as Outlook forwards « en tant que pièce jointe »)."""
    inner = mail("Réclamation", "Au fond.", message_id="<deep-0@exemple.fr>")
    for level in range(1, depth):
        boundary = f"=_level_{level}"
        inner = (f"Message-ID: <deep-{level}@exemple.fr>\r\nFrom: a@exemple.fr\r\n"
                 "Subject: =?utf-8?q?R=C3=A9clamation_transf=C3=A9r=C3=A9e?=\r\n"
                 "MIME-Version: 1.0\r\n"
                 f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
                 f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
                 f"Voir le message joint.\r\n--{boundary}\r\n"
                 "Content-Type: message/rfc822\r\n\r\n").encode() + inner + (
                 f"\r\n--{boundary}--\r\n").encode()
    return inner


def truncations(samples: dict[str, bytes]) -> dict[str, bytes]:
    cut: dict[str, bytes] = {}
    for suffix, data in samples.items():
        for share in (10, 50, 99):
            cut[f"truncated-{share}{suffix}"] = data[: len(data) * share // 100]
    return cut


def encrypted(plain: bytes, out: Path) -> None:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        print("msoffcrypto-tool missing: encrypted.xlsx kept as committed")
    else:
        with io.BytesIO(plain) as source, (out / "encrypted.xlsx").open("wb") as target:
            OOXMLFile(source).encrypt("secret", target)
    helper = HERE / "encrypt_with_libreoffice.py"
    python = Path("/usr/bin/python3")
    if not (python.exists() and shutil.which("soffice")):
        print("LibreOffice or python3-uno missing: encrypted.xls/.ods kept as committed")
        return
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "plain.xlsx"
        source.write_bytes(plain)
        done = subprocess.run([str(python), str(helper), str(source), work], check=False,
                              capture_output=True, timeout=300)
        for name in ("encrypted.xls", "encrypted.ods"):
            made = Path(work) / name
            if done.returncode == 0 and made.exists():
                shutil.copyfile(made, out / name)
            else:
                print(f"{name} not rebuilt (LibreOffice failed): kept as committed")


def build(out: Path) -> dict[str, bytes]:
    chooser = random.Random(16)
    base = workbook([HEADERS, ROW])
    files: dict[str, bytes] = {}
    files["far-cell.xlsx"] = far_cell(base)
    files["declared-range.xlsx"] = declared_range(base)
    wide_header = [*HEADERS, *(f"Colonne {n}" for n in range(len(HEADERS) + 1, 16_385))]
    files["columns-16384.xlsx"] = workbook([wide_header, [*ROW, *([None] * (16_383 - len(ROW))),
                                                          "dernière colonne"]])
    files.update(zip_bombs(base))
    parts = ("[Content_Types].xml", "_rels/.rels", "docProps/app.xml", "docProps/core.xml",
             "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
             "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml")
    with zipfile.ZipFile(io.BytesIO(base)) as archive:
        present = set(archive.namelist())
    for part in parts:
        if part in present:
            label = part.replace("/", "-").replace("[", "").replace("]", "").removesuffix(".xml")
            files[f"entities-{label}.xlsx"] = with_entities(base, part)
    ods = (DATA / "drop-satisfaction.ods").read_bytes()
    for part in ("content.xml", "styles.xml", "meta.xml"):
        files[f"entities-{part.removesuffix('.xml')}.ods"] = with_entities(ods, part)
    samples = {".xlsx": base, ".xlsm": base, ".xls": (DATA / "drop-abandons.xls").read_bytes(),
               ".ods": ods, ".csv": csv_bytes([HEADERS, ROW] * 20),
               ".eml": (DATA / "mail-xlsx-attachment.eml").read_bytes(),
               ".msg": (DATA.parent.parent.parent / "shared" / "data" / "msg" /
                        "Sicos1977_MSGReader_EmailWithAttachments.msg").read_bytes()}
    for suffix in samples:
        files[f"random{suffix}"] = chooser.randbytes(4096)
        files[f"random-with-magic{suffix}"] = (b"PK\x03\x04" if suffix in {".xlsx", ".xlsm", ".ods"}
                                               else b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
                                               if suffix in {".xls", ".msg"} else b"From: ") + \
            chooser.randbytes(4096)
    files.update(truncations(samples))
    files["cell-1mb.csv"] = csv_bytes([HEADERS, [*ROW[:6], long_text(1024 * 1024, 1), ROW[7]]])
    files["cell-128kib.csv"] = csv_bytes([HEADERS, [*ROW[:6], long_text(128 * 1024 + 7, 2),
                                                    ROW[7]]])
    files["cell-1mb.xlsx"] = workbook([HEADERS, [*ROW[:6], long_text(1024 * 1024, 3), ROW[7]]])
    files["injection.xlsx"] = workbook(injection_rows())
    files["injection.csv"] = csv_bytes([[str(c) for c in row] for row in injection_rows()])
    files["mixed-encoding.csv"] = (
        csv_bytes([HEADERS, [*ROW[:3], "Zoé Dupré", *ROW[4:]]])
        + csv_bytes([[*ROW[:3], "Hélène Gaël", *ROW[4:]]], encoding="cp1252")
        + csv_bytes([[*ROW[:3], "Noël Lefèvre", *ROW[4:]]]))
    files["excel-cp1252.csv"] = csv_bytes([HEADERS, [*ROW[:3], "Zoé Dupré", *ROW[4:]]],
                                          encoding="cp1252")
    files["mail-5000-parts.eml"] = mail(
        "Réclamation : 5000 pièces jointes", "Bonjour, voici mes justificatifs.",
        attachments=[(f"justificatif-{n}.txt", b"x") for n in range(5000)],
        message_id="<parts-5000@exemple.fr>")
    files["mail-nested-200.eml"] = nested_mail(200)
    files["mail-injection.eml"] = mail(INJECTIONS[0], f"{INJECTIONS[1]}\nC'est une réclamation.",
                                       message_id="<injection@exemple.fr>",
                                       sender=f'"{INJECTIONS[3]}" <injection@exemple.fr>')
    for label in ("far-cell", "bomb-ratio", "entities-xl-worksheets-sheet1"):
        files[f"mail-attached-{label}.eml"] = mail(
            "Réclamation : tableau joint", "Bonjour, ci-joint le tableau des réclamations.",
            attachments=[(f"{label}.xlsx", files[f"{label}.xlsx"])],
            message_id=f"<attached-{label}@exemple.fr>")
    for name, data in files.items():
        (out / name).write_bytes(data)
    encrypted(workbook([HEADERS, ROW]), out)
    return files


if __name__ == "__main__":
    built = build(HERE)
    print(f"{len(built) + 3} files in {HERE}")
