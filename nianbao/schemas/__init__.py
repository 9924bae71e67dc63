"""The canonical report: its pydantic model, the JSON Schema made from it, and its JSON text.

`model` is the single source of truth, `report.schema.json` is generated from it (committed and
shipped), `validation` checks report data against the schema, `emit` writes a report as stable
JSON, `places` follows a figure's origin to the page, lines or cell of the input it was
printed in. Imports only `forms` (the figure keys and templates the schema allows) and `errors`.
"""
