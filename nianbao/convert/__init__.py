"""The conversion pipeline and the layers beneath it.

Modules, bottom layer first: `model` (the report), `schema`, `encoding`, `textclean`,
`structure`, `tables`; then adapters live in `nianbao.adapters`; then `sniff`, `pipeline`,
`emit`; then the entry points `cli`.
"""
