"""Text below the formats: what any adapter does to the characters it has read.

Encodings (`encoding`), Traditional script (`script`), cleaning a page of its site chrome
(`clean`), the numbering of headings and rows (`numbering`), numbers as printed (`numbers`),
rebuilding tables from flattened text (`tables`, `table_spans`) and blocks from lines
(`structure`). May import `schemas`, `forms` and `errors`; knows no input format.
"""
