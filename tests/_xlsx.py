"""Hostile workbooks built in the test, tiny as zips: the shapes of issue 15's finding 1."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Wards" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(rows: str, dimension: str = "A1") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {NS}>'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )


def workbook(sheet_xml: str, strings: Iterable[bytes] | None = None) -> bytes:
    """A workbook with one sheet ``Wards``; ``strings``: the sharedStrings part, streamed."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if strings is not None:
            with zf.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
                for block in strings:
                    fh.write(block)
    return buf.getvalue()


def _header_rows() -> str:
    return ('<row r="1"><c r="A1" t="inlineStr"><is><t>WardName</t></is></c>'
            '<c r="B1" t="inlineStr"><is><t>tpr</t></is></c></row>'
            '<row r="2"><c r="A2" t="inlineStr"><is><t>Dala</t></is></c>'
            '<c r="B2"><v>0.5</v></c></row>')


def far_corners() -> bytes:
    """Cells at XFD1 and A1048576 (the 2 KB workbook that took a worker past 10 GiB)."""
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>WardName</t></is></c>'
            '<c r="XFD1"><v>1</v></c></row>'
            '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')
    return workbook(_sheet(rows, "A1:XFD1048576"))


def row_200k_column_all() -> bytes:
    """One cell at row 200,000 and column ALL (1,000): 200 million cells to fill."""
    rows = _header_rows() + '<row r="200000"><c r="ALL200000"><v>1</v></c></row>'
    return workbook(_sheet(rows, "A1:ALL200000"))


def many_shared_strings(count: int = 20_000_000, declare: bool = False) -> bytes:
    """``count`` shared strings (20 M by default); the count is not declared unless asked."""
    def parts():
        attrs = f' count="{count}" uniqueCount="{count}"' if declare else ""
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}{attrs}>'.encode()
        block = b"<si><t>a</t></si>" * 100_000
        for _ in range(count // 100_000):
            yield block
        yield b"</sst>"

    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return workbook(_sheet(rows), parts())


def one_huge_string(mib: int = 1024) -> bytes:
    """One shared string of ``mib`` MiB (1 GiB by default)."""
    def parts():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} uniqueCount="1"><si><t>'.encode()
        block = b"a" * (1024 * 1024)
        for _ in range(mib):
            yield block
        yield b"</t></si></sst>"

    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return workbook(_sheet(rows), parts())


def ordinary(rows: int = 30) -> bytes:
    """A plain ward table as a workbook (through openpyxl, as a spreadsheet program would)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Wards"
    sheet.append(["WardName", "tpr", "rainfall"])
    for i in range(rows):
        sheet.append([f"Ward {i}", (i % 7) / 10, 1000 + i * 3])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
