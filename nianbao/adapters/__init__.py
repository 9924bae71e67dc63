"""Input adapters: one module per format, chosen by `registry`."""
