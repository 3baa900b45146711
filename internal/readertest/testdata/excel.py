# Reads sheets of a workbook with pandas.read_excel (engine openpyxl) and
# prints, for each read asked for, the column names pandas gives, the kind
# of each column's dtype ("i" integers, "f" floats, "O" objects…) and the
# values, as JSON. Reads come as JSON in argv[2]: [{"sheet", "header",
# "nrows"}], header -1 for none and nrows 0 for all.
import json
import math
import sys

import pandas


def value(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):  # a numpy scalar
        v = v.item()
    if isinstance(v, (int, float, bool, str)):
        return v
    return str(v)


def main(path, reads):
    out = []
    for r in reads:
        try:
            df = pandas.read_excel(path, sheet_name=r["sheet"], engine="openpyxl",
                                   header=None if r["header"] < 0 else r["header"],
                                   nrows=r["nrows"] or None)
        except Exception as e:  # the complaint is the result
            out.append({"sheet": r["sheet"], "error": "%s: %s" % (type(e).__name__, e)})
            continue
        out.append({
            "sheet": r["sheet"],
            "columns": [str(c) for c in df.columns],
            "kinds": [dt.kind for dt in df.dtypes],
            "rows": [[value(v) for v in row] for row in df.itertuples(index=False, name=None)],
        })
    print(json.dumps(out, ensure_ascii=False))


main(sys.argv[1], json.loads(sys.argv[2]))
