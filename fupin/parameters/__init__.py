"""Policy parameters a site edits (政策参数): dated, cited values entered on the page or through
the API, kept beside the shipped ones (fupin.policy) and read through `values.param`.

A value once saved never changes: a correction is a new entry (with the same start, it wins).
Every edit is checked against the parameter's type and bounds, cites its document, gives its
reason and leaves an audit event. See docs/parameters.md and ADR 0022.
"""
