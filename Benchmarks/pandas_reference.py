#!/usr/bin/env python3
"""Reference for wfrisk's benchmark: pandas reads the same workforce CSV and computes the
same headline indicators (turnover, agency, vacancy, caseload, with the same small-unit
shrinkage) and ranks for the latest year. Not a re-implementation of the whole method:
it is the work a pandas user would do for the same table, to time against.

usage: pandas_reference.py FILE [--read-only]
"""
import sys

import pandas as pd

SUPPRESSED = ["c", "x", "z", "u", "k", "low", ":", "..", ".", "-", "*"]


def main() -> None:
    path = sys.argv[1]
    frame = pd.read_csv(path, na_values=SUPPRESSED, keep_default_na=True, encoding="utf-8-sig",
                        low_memory=False)
    if "--read-only" in sys.argv:
        return
    frame = frame.rename(columns={"social_worker_fte": "inpost_fte", "leaver_fte": "leavers_fte"})
    la = frame[frame["geographic_level"] == "Local authority"]
    year = la["time_period"].max()
    now = la[la["time_period"] == year].copy()
    england = frame[(frame["geographic_level"] == "National") & (frame["time_period"] == year)].iloc[0]
    k = 25.0
    n = now["inpost_fte"]
    now["turnover"] = 100 * (now["leavers_fte"] + k * england["leavers_fte"] / england["inpost_fte"]) / (n + k)
    a = now["agency_fte"]
    now["agency"] = 100 * (a + k * england["agency_fte"] / (england["agency_fte"] + england["inpost_fte"])) / (a + n + k)
    v = now["vacancy_fte"]
    now["vacancy"] = 100 * (v + k * england["vacancy_fte"] / (england["vacancy_fte"] + england["inpost_fte"])) / (v + n + k)
    h = now["case_holders_fte"]
    now["caseload"] = (now["cases"] + k * england["cases"] / england["case_holders_fte"]) / (h + k)
    score = 0
    for column, weight in [("turnover", 0.4), ("agency", 0.3), ("vacancy", 0.3)]:
        median = now[column].median()
        scale = 1.4826 * (now[column] - median).abs().median()
        score = score + weight * ((now[column] - median) / scale).clip(-3, 3)
    now["instability"] = 50 + 50 / 3 * score
    now["rank"] = now["instability"].rank(ascending=False, method="min")
    now.sort_values("rank").to_csv("/dev/null", index=False)


if __name__ == "__main__":
    main()
