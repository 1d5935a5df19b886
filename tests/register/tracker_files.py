"""Real-looking force trackers for the import tests, written with openpyxl (or as CSV text)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import PatternFill

HEADERS = ["Ref", "Report", "Recommendation / AFI", "Lead officer", "Target date", "Status", "RAG",
           "Latest update", "Governance board", "Evidence held"]
Cell = str | int | float | datetime | None  # what a tracker cell holds
GREEN = PatternFill(fill_type="solid", fgColor="FF00B050")

AFI2_TEXT = ("The force should improve how it allocates crime, ensuring that investigations are allocated to "
             "appropriately trained and supported officers.")
AFI3_TEXT = ("The force should ensure regular and active supervision of the quality and progress of "
             "investigations. This supervision should be properly recorded.")


def messy_rows() -> list[list[Cell]]:
    """Rows 4.. of the messy tracker (row numbers in the comments)."""
    return [
        # 4: an update by reference, a UK day-first date
        ["AFI 2", "PEEL 2018", AFI2_TEXT, "DCI Mark Osei", "31/03/2026", "Ongoing", "Amber",
         "Allocation policy rewritten; training booked.", "Crime and Justice Board", "Policy v3"],
        # 5: a real date cell, a RAG given only by the cell's green fill, "Complete"
        ["AFI 3", "PEEL 2018", AFI3_TEXT, "DCI Mark Osei", datetime(2026, 4, 3), "Complete", None,
         "Dip sample of 40 cases: 95% supervised.", "Crime and Justice Board", "Dip sample Jan 2026"],
        # 6: a new thematic recommendation, a date in words, a status not on the force's line
        ["R1", "Vetting, misconduct and misogyny thematic (2022)", "Forces should review vetting decisions "
         "for officers with previous allegations of violence against women.", "Supt Kay Lowe", "3 April 2026",
         "Parked", "R", "Awaiting national guidance.", "People Board", ""],
        # 7: its source is one merged cell B7:B8 with row 8; an Excel serial date
        ["R2", "Vetting, misconduct and misogyny thematic (2022)", "Forces should make sure vetting "
         "interviews are recorded.", "Supt Kay Lowe", 46112, "Open", "G", "", "People Board", ""],
        # 8: the same reference again: a duplicate within the file
        ["R2", None, "Forces should record the reasons for every vetting decision.", "Supt Kay Lowe",
         "2026-05-01", "Open", "A", "", "People Board", ""],
        # 9: no source, and AFI 1 is in two sources of the register
        ["AFI 1", None, "Staff with the right skills investigate crimes.", "D/Supt Jane Hollis", "2026-06-30",
         "In progress", "Amber", "", "", ""],
        # 10: a heading across the row (merged A10:J10)
        ["Crime data integrity", None, None, None, None, None, None, None, None, None],
        # 11: a new finding without its text
        ["CDI 1", "Crime data integrity inspection 2025", None, "Supt Alan Reeve", "31/02/2026", "Ongoing", "Red",
         "", "CDI Board", ""],
    ]


def messy_tracker(path: Path, rows: list[list[Cell]] | None = None) -> Path:
    """A title row merged across the top, a blank row, the header on row 3, merged data cells."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "Tracker"
    ws["A1"] = "Norfolk Constabulary - HMICFRS recommendations tracker (as at February 2026)"
    ws.merge_cells("A1:J1")
    for col, name in enumerate(HEADERS, 1):
        ws.cell(row=3, column=col, value=name)
    for r, values in enumerate(rows or messy_rows(), 4):
        for c, v in enumerate(values, 1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    if rows is None:
        ws.merge_cells("B7:B8")
        ws.merge_cells("A10:J10")
        ws["G5"].fill = GREEN
    ws2 = wb.create_sheet("Notes")
    ws2["A1"] = "Tracker owner: Strategic Assurance Team"
    wb.save(path)
    return path
