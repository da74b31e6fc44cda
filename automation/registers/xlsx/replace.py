"""Replacing a register workbook without ever leaving a broken one behind.

Every writer goes through :func:`replace_atomically`: the workbook is first copied to the
backup folder (a bounded number of timestamped copies), the new version is written to a
temporary file in the same folder (with the folder's usual permissions), checked (zip test and
a quick reopen), and only then moved over the original (:func:`automation.files.replace_file`,
which waits while another program briefly holds it). A failure at any step leaves the original
as it was. :func:`check_not_locked` refuses a workbook that Excel or LibreOffice has open.
"""

from __future__ import annotations

import contextlib
import shutil
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from automation import crashpoints
from automation.errors import RegisterError, RegisterLocked
from automation.files import replace_file, temporary_beside
from automation.registers.owners import read_owner

BACKUP_STAMP: Final = "%Y%m%d-%H%M%S-%f"


@dataclass(frozen=True)
class FileStamp:
    """Size and modification time: enough to notice that someone saved the file meanwhile."""

    size: int
    mtime_ns: int


def file_stamp(path: Path) -> FileStamp:
    status = path.stat()
    return FileStamp(status.st_size, status.st_mtime_ns)


def owner_files(path: Path) -> list[Path]:
    """The lock files Excel (``~$name``) and LibreOffice (``.~lock.name#``) put beside a file."""
    names = {f"~${path.name}", f".~lock.{path.name}#"}
    if len(path.stem) > 2:  # Office shortens long names: "~$gistre.xlsx" for "Registre.xlsx"
        names.add(f"~${path.name[2:]}")
    return [path.with_name(name) for name in sorted(names) if path.with_name(name).exists()]


def check_not_locked(path: Path) -> None:
    """Raise :class:`RegisterLocked` (in French, naming who) when ``path`` is open."""
    owners = owner_files(path)
    if owners:
        found = read_owner(owners[0])
        who = f" par {found.who()}" if found else ""
        since = f" depuis le {found.since:%d/%m/%Y à %H:%M}" if found else ""
        raise RegisterLocked(
            f"{path.name} est ouvert dans Excel ou LibreOffice{who}{since} (fichier "
            f"{owners[0].name} à côté) ; les lignes attendent dans le journal et seront "
            "écrites dès sa fermeture", path=path)


def check_zip(path: Path) -> list[str]:
    """Raise :class:`RegisterError` unless every member of ``path`` inflates to its CRC.

    Returns the member names, in order.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise RegisterError(f"{path.name}: the new version is not a valid zip: {exc}",
                            path=path) from exc
    if broken is not None:
        raise RegisterError(f"{path.name}: member {broken} of the new version is corrupt",
                            path=path)
    return names


def check_workbook(path: Path) -> None:
    """A cheap proof that ``path`` is a workbook Excel can open: zip test, quick reopen."""
    from openpyxl import load_workbook  # imported here: only this check needs it

    check_zip(path)
    try:
        with warnings.catch_warnings(), path.open("rb") as stream:
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            workbook = load_workbook(stream, read_only=True)  # a stream: the name ends in .tmp
            workbook.close()
    except RegisterError:
        raise
    except Exception as exc:  # any failure here means "do not replace"
        raise RegisterError(f"{path.name}: the new version does not reopen: {exc}",
                            path=path) from exc


def backup(path: Path, backup_dir: Path, *, keep: int) -> Path:
    """Copy ``path`` to ``backup_dir`` under a timestamped name, keeping the ``keep`` newest."""
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime(BACKUP_STAMP)
    target = backup_dir / f"{path.stem}.{stamp}{path.suffix}"
    shutil.copy2(path, target)
    copies = sorted(backup_dir.glob(f"{path.stem}.*{path.suffix}"), key=lambda p: p.name)
    copies = [p for p in copies if _is_backup_of(p, path)]
    for old in copies[: max(len(copies) - max(keep, 1), 0)]:
        old.unlink(missing_ok=True)
    return target


def _is_backup_of(candidate: Path, path: Path) -> bool:
    stamp = candidate.name[len(path.stem) + 1: len(candidate.name) - len(path.suffix)]
    try:
        datetime.strptime(stamp, BACKUP_STAMP)
    except ValueError:
        return False
    return True


def replace_atomically(
    path: Path,
    write: Callable[[Path], None],
    *,
    backup_dir: Path,
    keep: int,
    check: Callable[[Path], None] = check_workbook,
    expected: FileStamp | None = None,
) -> Path:
    """Back up ``path``, let ``write`` write its new version to a temporary file, move it in.

    ``write`` receives the temporary path (in the same folder, so the final move is atomic).
    ``check`` must raise if the result is not fit to replace the original. When ``expected``
    is given and the file changed since (a person saved it), nothing is replaced. Returns the
    backup's path. Raises :class:`RegisterLocked` when the file is open or cannot be replaced,
    :class:`RegisterError` for anything else; the original is then untouched.
    """
    check_not_locked(path)
    try:
        saved = backup(path, backup_dir, keep=keep)
    except PermissionError as exc:
        raise RegisterLocked(f"{path.name} cannot be read: {exc}", path=path) from exc
    except OSError as exc:
        raise RegisterError(f"{path.name}: backup to {backup_dir} failed: {exc}",
                            path=path) from exc
    temporary = temporary_beside(path)
    try:
        write(temporary)
        check(temporary)
        crashpoints.reached("during-workbook-replace")
        shutil.copymode(path, temporary)
        check_not_locked(path)
        if expected is not None and file_stamp(path) != expected:
            raise RegisterLocked(f"{path.name} was changed while the tool was writing it; "
                                 "the rows wait in the journal and are written next time",
                                 path=path)
        replace_file(temporary, path)  # waits while an antivirus or indexer holds it
    except PermissionError as exc:
        raise RegisterLocked(f"{path.name} cannot be replaced (open in Excel?): {exc}",
                             path=path) from exc
    except OSError as exc:
        raise RegisterError(f"{path.name} cannot be written: {exc}", path=path) from exc
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    return saved
