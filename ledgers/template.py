"""The blank template workbook: one sheet per ledger, canonical headers, explanations, drop-downs."""

from __future__ import annotations

import io

import xlsxwriter

from ledgers.registry import LEDGERS

TEMPLATE_ROWS = 1000  # drop-downs and formats reach this far down


def template_workbook() -> bytes:
    """A blank .xlsx holding every ledger of the registry, in ledgers.md order."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
    head_req = wb.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "text_wrap": True, "valign": "top"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    pct_fmt = wb.add_format({"num_format": "0%"})
    text_fmt = wb.add_format({"num_format": "@"})  # IDs and phones stay text: no lost digits
    for spec in LEDGERS.values():
        ws = wb.add_worksheet(spec.name)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 30)
        for j, col in enumerate(spec.columns):
            label = col.name + ("*" if col.required else "")
            ws.write_string(0, j, label, head_req if col.required else head)
            ws.write_comment(0, j, col.description_zh, {"x_scale": 2.2, "y_scale": 2.2})
            fmt = {"date": date_fmt, "percent": pct_fmt, "text": text_fmt}.get(col.type.cell_format or "")
            if col.pii:
                fmt = text_fmt
            ws.set_column(j, j, max(12, len(col.name) * 2 + 4), fmt)
            validation = col.type.validation(col.name, col.categories)
            if validation:
                ws.data_validation(1, j, TEMPLATE_ROWS, j, validation)
    wb.close()
    return buf.getvalue()
