"""Many reports as data: what a report's status is, the dataset, exports, checks across reports.

`partial` says what state a report is in (the one definition every display reads), `series`
checks a body's reports against each other, `dataset` writes and reads the Parquet dataset,
`export` the CSV and XLSX tables. Works on report files (their JSON), so it may import
`schemas`, `forms`, `text` and `errors`, and never a converter: it stands beside `convert`.
"""
