"""Commands of the spine: init, ingest, watch, status."""
