"""Qualiopi registers and letters, kept in the office's own Excel and Word files.

The package follows the pipeline: ``sources`` (what arrives) → ``intake`` (reading and
validating) → ``registers`` (schemas, journal, workbook writer) → ``letters``.
"""

__version__ = "0.2.0"
