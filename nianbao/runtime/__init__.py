"""Running conversions: worker processes with limits, batches, the hot folder, the cluster.

`inputs` finds the files to convert, `outputs` says where reports go, `worker` converts one
input in a child process under a time and a memory limit, `batch` many of them in parallel,
`watch` a hot folder, `cluster` on Dask. May import everything below it (`convert`,
`collection` and their floors); nothing below imports it.
"""
