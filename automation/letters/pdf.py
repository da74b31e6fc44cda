"""PDF copies of letters through LibreOffice, headless, many letters per call.

A pass converts all its letters in one call: LibreOffice's start dominates (about 2.5 s for
one letter, 0.3–0.5 s a letter for twenty). Conversions that share a LibreOffice user profile
fail at random (exit 1, no message), so each worker — each thread of this process — has its
own profile, created at its first conversion, kept for the next ones (a profile already set
up saves LibreOffice a tenth of its start) and removed when the process ends; a conversion
that failed or had to be stopped drops its profile, and the next one gets a fresh one.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from automation.errors import LetterError

PROGRAMS: Final = ("soffice", "libreoffice")
WINDOWS_PLACES: Final = (
    Path("C:/Program Files/LibreOffice/program/soffice.exe"),
    Path("C:/Program Files (x86)/LibreOffice/program/soffice.exe"),
)
BASE_TIMEOUT: Final = 60.0  # seconds: LibreOffice starting with a new profile
PER_FILE_TIMEOUT: Final = 10.0


def find_libreoffice() -> Path | None:
    """The LibreOffice program on PATH (or in its usual Windows folder), if any."""
    for name in PROGRAMS:
        found = shutil.which(name)
        if found:
            return Path(found)
    return next((p for p in WINDOWS_PLACES if os.name == "nt" and p.is_file()), None)


def libreoffice_available() -> bool:
    return find_libreoffice() is not None


def convert_to_pdf(docx_paths: Sequence[Path], out_dir: Path, *,
                   timeout: float | None = None) -> list[Path]:
    """Convert every letter to ``out_dir/<stem>.pdf`` in one LibreOffice call; return the PDFs."""
    if not docx_paths:
        return []
    program = find_libreoffice()
    if program is None:
        raise LetterError("LibreOffice is not installed (no soffice or libreoffice on PATH); "
                          "install it to produce PDF letters")
    stems = [p.stem for p in docx_paths]
    if len(set(stems)) != len(stems):
        raise LetterError("two letters to convert have the same name; their PDFs would clash")
    missing = [str(p) for p in docx_paths if not p.is_file()]
    if missing:
        raise LetterError(f"letters to convert not found: {', '.join(missing)}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".pdf-", dir=out_dir))
    except OSError as exc:
        raise LetterError(f"{out_dir}: cannot write PDF letters ({exc.strerror or exc})") from exc
    limit = timeout if timeout is not None else BASE_TIMEOUT + PER_FILE_TIMEOUT * len(docx_paths)
    try:
        profile = _worker_profile()
        command = [str(program), f"-env:UserInstallation={profile.as_uri()}",
                   "--headless", "--norestore", "--nologo", "--nolockcheck",
                   "--convert-to", "pdf", "--outdir", str(work),
                   *(str(p.resolve()) for p in docx_paths)]
        try:
            code, output = _run(command, limit)
        except LetterError:
            _forget_profile()  # stopped half-way: its profile is not trusted again
            raise
        failed = [f"{stem}.pdf" for stem in stems if not _is_pdf(work / f"{stem}.pdf")]
        if code != 0 or failed:
            _forget_profile()
            detail = output.strip().splitlines()[-3:] if output.strip() else ["no message"]
            raise LetterError(f"LibreOffice failed (exit {code}) to convert "
                              f"{', '.join(failed) or 'the letters'}: {' / '.join(detail)}")
        pdfs = [out_dir / f"{stem}.pdf" for stem in stems]
        for pdf in pdfs:
            (work / pdf.name).replace(pdf)
    except OSError as exc:
        raise LetterError(f"{out_dir}: cannot write PDF letters ({exc.strerror or exc})") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return pdfs


class _Profiles(threading.local):
    folder: tempfile.TemporaryDirectory[str] | None = None


_profiles: Final = _Profiles()


def _worker_profile() -> Path:
    """This thread's LibreOffice profile folder (created on first use)."""
    if _profiles.folder is None:
        _profiles.folder = tempfile.TemporaryDirectory(prefix="automation-lo-")
    return Path(_profiles.folder.name)


def _forget_profile() -> None:
    folder, _profiles.folder = _profiles.folder, None
    if folder is not None:
        folder.cleanup()


def _run(command: list[str], limit: float) -> tuple[int, str]:
    """Run LibreOffice; on timeout kill it and every process it started."""
    posix = os.name != "nt"
    try:
        process = subprocess.Popen(  # noqa: S603 - the program is LibreOffice, arguments are paths
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            errors="replace", start_new_session=posix)
    except OSError as exc:
        raise LetterError(f"cannot start LibreOffice ({command[0]}): {exc}") from exc
    try:
        output, _ = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired as exc:
        _kill(process, group=posix)
        process.communicate()
        raise LetterError(f"LibreOffice did not finish converting within {limit:.0f} s") from exc
    return process.returncode, output


def _kill(process: subprocess.Popen[str], *, group: bool) -> None:
    try:
        if group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except ProcessLookupError:
        pass  # it ended on its own meanwhile


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False

