"""Running conversions: worker processes with limits, batches, the hot folder, the cluster.

`inputs` finds the files to convert, `outputs` says where reports go, `worker` is what a
child process does with one input (under a memory limit), `pool` starts those processes and
holds them to the time limit, `batch` converts many inputs in parallel, `watch` a hot folder,
`cluster` on Dask. A failure comes back from a child process or a Dask task as
`nianbao.errors.Failure` data, and is raised again as its own class. May import everything
below it (`convert`, `collection` and their floors); nothing below imports it.
"""
