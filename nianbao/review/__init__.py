"""`nianbao review`: every figure beside its source, as a static site a browser opens from disk.

`site` plans the inputs (documents, or report JSONs and their sources), reviews each in a worker
process of the runtime's pool (`review_file`: a document is converted there first) and writes
the site: a page per report and an index. `report_page` lays a report out as its form prints
it (`form_tables`), each figure in its cell with its state, and its source beside it
(`sources`: the page rendered with the cell's box by `pages`, or the table or the lines it was
read from); `index_page` is the table of reports with a chart of each body's panel. The HTML,
CSS and JavaScript are files in `templates/`, filled in with `string.Template`.

Stands above `runtime` (it converts through the pool) and `collection` (it reads report files
and their state through them); only `cli` imports it.
"""
