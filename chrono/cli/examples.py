"""Each command's examples, shown in its help (``parser``) and run by the tests."""

# Every example runs on the bundled chronicle (tests/e2e/test_terminal.py runs
# them all, in a scratch directory, exports first). 148:HASH stands for the
# head digest a write printed: the position and the hash an auditor noted.
EXAMPLES = {
    "timeline": [
        "chrono timeline",
        "chrono timeline --partner 'Van Son' --from 2018 --to 2021",
        "chrono timeline --kind AgreementSigned --as-of 2021-12-31",
        "chrono timeline --limit 10 --page 2",
        "chrono timeline --ids --kind VisitMade",
        "chrono --lang vi timeline --partner thien-bao",
        "chrono timeline --format csv > timeline.csv",
    ],
    "partners": ["chrono partners", "chrono partners --format md > partners.md"],
    "partner": [
        "chrono partner 'Van Son'",
        "chrono partner yunnan --as-of 2019-12-31",
        "chrono partner thien-bao --exact",
        "chrono partner van-son --svg van-son.svg",
    ],
    "counters": [
        "chrono counters",
        "chrono counters --partner 'Văn Sơn' --as-of 2021-12-31",
        "chrono counters --by year",
        "chrono counters --by kind --format csv > counters.csv",
    ],
    "explain": ["chrono explain agreements", "chrono explain twinnings --partner van-son --as-of 2021"],
    "state": [
        "chrono state --as-of 2021-12-31",
        "chrono state --as-of 2019 --known-at 2030-01-01 --format json",
        "chrono state --format md > state.md",
    ],
    "rebuild": ["chrono rebuild", "chrono rebuild --force"],
    "audit": ["chrono audit", "chrono audit --format json", "chrono audit --expect 148:HASH"],
    "reanchor": ["chrono reanchor --reason 'restored event 57 from the 2024-03 backup'"],
    "replay": ["chrono replay --until 20", "chrono replay --known-at 2030-01-01 --format json", "chrono replay --format csv > replay.csv"],
    "diff": ["chrono diff --known-at 2025-01-01 --known-at 2030-12-31"],
    "show": [
        "chrono show 2018-thien-bao-commune-twinning",
        "chrono show 2018-thien-bao-commune-twinning --format json",
        "chrono --lang vi show 2018-thien-bao-commune-twinning --format md",
    ],
    "record": [
        "chrono record VisitMade --id 2024-wenshan-delegation --when 2024-03 --title 'Delegation to Wenshan' "
        "--partner van-son --actor ha-giang --source minutes.pdf --quote 'Đoàn đại biểu tỉnh Hà Giang ...'",
    ],
    "import": [
        "chrono import chronicle.jsonl",
        "chrono --store copy.sqlite import chronicle.jsonl",
        "chrono --store copy.sqlite import chronicle.csv",
        "chrono --store witnessed.sqlite --witness digests.txt import chronicle.jsonl",
    ],
    "correct": ["chrono correct 2024-wenshan-delegation --set when=2024-03-12 --reason 'minutes give the day'"],
    "retract": ["chrono retract 2024-wenshan-delegation --reason 'recorded twice'"],
    "log": ["chrono log --limit 20", "chrono log --limit 20 --page 3", "chrono log --format csv > log.csv"],
    "draft": [
        "chrono draft article.txt > drafts.yaml",
        "chrono draft article.txt --published 2024-03-15 --source 'Báo Hà Giang, 2024-03-15' --out drafts.yaml",
        "chrono draft article.txt --format jsonl > drafts.jsonl",
    ],
    "update-chronicle": ["chrono update-chronicle --dry-run", "chrono update-chronicle", "chrono update-chronicle --dry-run --format json"],
    "export": [
        "chrono export --format jsonl > chronicle.jsonl",
        "chrono export --format csv > chronicle.csv",
        "chrono export --format md > chronicle.md",
        "chrono export --format events > log.jsonl",
        "chrono export --format html > chronicle.html",
        "chrono --lang vi export --format timelinejs --partner yunnan > yunnan-timeline.json",
        "chrono export --format ics --kind AgreementSigned > agreements.ics",
        "chrono export --format plover --as-of 2021-12-31 > events-2021.jsonl",
        "chrono export --format quickstatements > wikidata.qs",
    ],
}
