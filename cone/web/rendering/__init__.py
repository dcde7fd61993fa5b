"""Rendering: PDF render jobs, run off the request by a worker that holds a lease on each."""
