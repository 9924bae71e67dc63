"""Many reports as data: what a report's status is, the dataset, exports, checks across reports.

`partial` says what state a report is in (the one definition every display reads),
`report_file` reads a report file back (the one way every reader does), `series` checks a body's
reports against each other, `dataset` writes and updates the Parquet dataset (its tables' columns
derived from the report model in `dataset_tables`, a report's rows in `dataset_rows`), `export`
the CSV and XLSX tables, `progress` how far long work has got (told to a caller's `Steps`,
never drawn here). Works on report files (their JSON), so it may import
`schemas`, `forms`, `text` and `errors`, and never a converter: it stands beside `convert`.
"""
