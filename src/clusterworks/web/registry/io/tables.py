"""Reading and writing tables as CSV and XLSX, knowing nothing of the registry.

Reading accepts what spreadsheets and scripts actually produce:

* CSV in UTF-8 with or without a byte-order mark, UTF-16 with a BOM (Excel's "Unicode text"), or, when
  the bytes are not UTF-8, Windows-1251 (Russian Excel) or Windows-1252 (Western Excel), told apart by
  how the non-ASCII bytes cluster; the delimiter (``,``, ``;`` or tab) is sniffed from the header line;
* XLSX (openpyxl in read-only mode): every non-empty worksheet is one table; numbers, dates and
  booleans are turned into the text a user would type.

Line numbers are those a user sees: the header is line 1; a CSV record that spans several lines (a quoted
value with line breaks) has the number of its first line; an XLSX row has its worksheet row number.
Writing streams CSV (UTF-8 with BOM, so that Excel opens it right) and writes XLSX in write-only mode.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from .errors import UnreadableFile

DELIMITERS = (",", ";", "\t")
#: an XLSX file is a ZIP archive; refuse one that would unpack to more than this (a "zip bomb")
MAX_XLSX_UNPACKED = 512 * 1024 * 1024
#: characters that make a spreadsheet treat a cell as a formula; see :func:`protect_formula`
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """Rows of text cells under a header. ``rows`` holds (line number, cells) with blank rows left out."""

    name: str
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    format: str = "csv"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""


# ------------------------------------------------------------------------------------------- reading


def read_tables(data: bytes, *, name: str) -> list[Table]:
    """The tables in a file's bytes: one for a CSV file, one per non-empty worksheet for XLSX."""
    if data.startswith(b"PK\x03\x04"):
        return read_xlsx(data, name=name)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(_("this is an old Excel .xls workbook; save it as .xlsx or as CSV"))
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile(_("the name says .xlsx but the content is not an Excel workbook"))
    table = read_csv(data, name=name)
    return [table] if table is not None else []


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding of CSV bytes: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1251/1252."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _("the file starts with a UTF-8 byte-order mark but byte %(byte)d is not UTF-8")
                % {"byte": exc.start}
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                _("the file starts with a UTF-16 byte-order mark but is not UTF-16")
            ) from exc
    if b"\x00" in data[:8192]:
        raise UnreadableFile(_("this is a binary file, not CSV text (save the table as CSV or XLSX)"))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = "cp1251" if _looks_cyrillic(data) else "cp1252"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            _("the text is neither UTF-8 nor Windows-1251/1252 (byte %(byte)d); save it as UTF-8")
            % {"byte": exc.start}
        ) from exc


def _looks_cyrillic(data: bytes) -> bool:
    """Russian text in Windows-1251 has its high bytes in runs (whole words); Western European text in
    Windows-1252 has them alone between ASCII letters (accents). Count high bytes next to another."""
    high = adjacent = 0
    previous_high = False
    for byte in data[:65536]:
        is_high = byte >= 0x80
        if is_high:
            high += 1
            if previous_high:
                adjacent += 2
        previous_high = is_high
    return high > 0 and adjacent >= high * 0.5


def sniff_delimiter(first_line: str) -> str:
    """The delimiter that splits the header line into the most cells (``,`` on a tie)."""
    best, best_count = ",", 0
    for delimiter in DELIMITERS:
        count = len(next(csv.reader([first_line], delimiter=delimiter), []))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _clean(cell: str) -> str:
    return cell.replace("\r\n", "\n").replace("\r", "\n").strip()


def unprotect_formula(cell: str) -> str:
    """Undo :func:`protect_formula`: drop the apostrophe put before a leading '=', '+', '-' or '@'."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def read_csv(data: bytes, *, name: str) -> Table | None:
    """The table of a CSV file, or None if it holds no header (only blank lines)."""
    text, encoding = decode(data)
    first_line = next((line for line in text.splitlines() if line.strip()), None)
    if first_line is None:
        return None
    # Excel writes (and honours) a first line "sep=;" naming the delimiter
    named = re.fullmatch(r"sep=(.)", first_line.strip())
    delimiter = named.group(1) if named else sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    table: Table | None = None
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            cells = [unprotect_formula(_clean(c)) for c in cells]
            if not any(cells) or (named and table is None and cells[0].startswith("sep=")):
                continue
            if table is None:
                table = Table(
                    name=name, header=cells, header_line=line, encoding=encoding, delimiter=delimiter
                )
            else:
                table.rows.append((line, cells))
    except csv.Error as exc:
        raise UnreadableFile(
            _("line %(line)d: the CSV is malformed (%(problem)s)") % {"line": reader.line_num, "problem": exc}
        ) from exc
    return table


def cell_text(value: Any) -> str:
    """The text a user would type for a spreadsheet cell's value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _clean(str(value))


def read_xlsx(data: bytes, *, name: str) -> list[Table]:
    """One table per worksheet that holds anything; its first non-empty row is the header."""
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(_("the workbook is damaged (not a valid XLSX/ZIP archive)")) from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise UnreadableFile(
            _("the workbook would unpack to %(size)d MB; the limit is %(limit)d MB")
            % {"size": unpacked // 2**20, "limit": MAX_XLSX_UNPACKED // 2**20}
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise UnreadableFile(
            _("the workbook cannot be read (%(problem)s)") % {"problem": f"{exc.__class__.__name__}: {exc}"}
        ) from exc
    tables = []
    try:
        several = len(workbook.worksheets) > 1
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):  # chart sheets
                continue
            sheet.reset_dimensions()  # some writers record wrong dimensions; read what is there
            label = f"{name} [{sheet.title}]" if several else name
            table = None
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                if not any(cells):
                    continue
                if table is None:
                    table = Table(
                        name=label, header=cells, header_line=line, format="xlsx", sheet=sheet.title
                    )
                else:
                    table.rows.append((line, cells))
            if table is not None:
                tables.append(table)
    finally:
        workbook.close()
    return tables


# ------------------------------------------------------------------------------------------- writing


def protect_formula(text: str) -> str:
    """Put an apostrophe before a value that a spreadsheet would run as a formula (CSV injection).

    Excel and LibreOffice hide the apostrophe; :func:`read_csv` removes it, so values survive a round trip.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return protect_formula(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(
    header: list[str],
    rows: Iterable[list[Any]],
    *,
    delimiter: str = ",",
    bom: bool = True,
    rows_per_chunk: int = 500,
) -> Iterator[bytes]:
    """CSV bytes, a few hundred rows at a time, for streaming responses and files."""
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    chunk = [codecs.BOM_UTF8.decode("utf-8")] if bom else []
    chunk.append(writer.writerow(header))
    for row in rows:
        chunk.append(writer.writerow([_csv_text(v) for v in row]))
        if len(chunk) >= rows_per_chunk:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")


def write_xlsx(header: list[str], rows: Iterable[list[Any]], out: BinaryIO, *, sheet_title: str) -> int:
    """Write one worksheet; text stays text (never a formula), dates are date cells. Returns the row count."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)

    def cell(value: Any, *, header: bool = False) -> WriteOnlyCell:
        if isinstance(value, dt.date):
            written = WriteOnlyCell(sheet, value=value)
            written.number_format = "yyyy-mm-dd"
            return written
        written = WriteOnlyCell(sheet, value=None if value in (None, "") else str(value))
        if written.value is not None:
            written.data_type = "s"  # a leading '=' must not become a formula
        if header:
            written.font = bold
        return written

    sheet.freeze_panes = "A2"
    sheet.append([cell(name, header=True) for name in header])
    count = 0
    for row in rows:
        sheet.append([cell(v) for v in row])
        count += 1
    workbook.save(out)
    return count
