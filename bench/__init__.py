"""The performance benchmark: ``python -m bench`` (see docs/performance.md).

A script, not a timed test: it builds indexes of several sizes in a temporary folder,
measures latency, cold start, build and refresh times, memory and approximate-index
recall, and writes one table as Markdown and JSON. The test suite runs it at the seeds'
size only, to check that it works.
"""
