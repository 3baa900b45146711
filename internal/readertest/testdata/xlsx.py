# Reads a workbook with openpyxl and prints what a reader sees as JSON:
# the document properties, then each sheet's declared dimension and values
# in read-only mode, and its layout (print set-up, widths) in a full load.
import json
import sys

import openpyxl


def print_area(ws):
    # openpyxl gives one range as a string in some versions, a list in others.
    area = ws.print_area or ""
    return area if isinstance(area, str) else ",".join(area)


def main(path):
    try:
        ro = openpyxl.load_workbook(path, read_only=True)
        full = openpyxl.load_workbook(path)
    except Exception as e:  # the complaint is the result
        print(json.dumps({"error": "%s: %s" % (type(e).__name__, e)}))
        return
    p = ro.properties
    out = {
        "creator": p.creator or "",
        "created": p.created.isoformat() if p.created else "",
        "modified": p.modified.isoformat() if p.modified else "",
        "title": p.title or "",
        "sheets": [],
    }
    for ws, fw in zip(ro.worksheets, full.worksheets):
        rows, types = [], []
        for row in ws.iter_rows():
            rows.append([c.value for c in row])
            types.append([getattr(c, "data_type", "") or "" for c in row])
        setup = fw.page_setup
        props = fw.sheet_properties.pageSetUpPr
        out["sheets"].append({
            "name": ws.title,
            "dimension": ws.calculate_dimension(),
            "used": fw.calculate_dimension(),
            "rows": rows,
            "types": types,
            "orientation": setup.orientation or "",
            "fit_to_width": int(setup.fitToWidth or 0) if setup.fitToWidth is not None else 1,
            "fit_to_page": bool(props and props.fitToPage),
            "print_area": print_area(fw),
            "print_title_rows": fw.print_title_rows or "",
            "widths": {k: d.width for k, d in fw.column_dimensions.items() if d.customWidth},
        })
    print(json.dumps(out, ensure_ascii=False, default=str))


main(sys.argv[1])
