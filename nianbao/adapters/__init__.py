"""Input formats: one module per format, each an `Adapter`, chosen by `registry` from `sniff`.

Each adapter turns an input's bytes into a `Document` (blocks and tables with their origins),
wrapping its library's errors as `DocumentLoadError` around that library's calls only. Third
parties add adapters through the entry-point group `nianbao.adapters`; the contract they
implement is `base` (re-exported from `nianbao`), the priority rule is `registry`'s, and the
options each adapter reads are `options` (one group per format, handed over by the registry).
May import `text`, `schemas`, `forms`, `errors`.
"""
