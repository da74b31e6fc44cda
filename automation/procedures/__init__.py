"""Procedures: what seeds 000, 001 and 004 ask once a cancellation or a dropout is recorded.

``cancellation`` (seed 004: motive, recoverable, billable), ``dropout`` (seed 001: the eight
steps, read from the row's dates), ``planning`` (the office's sessions workbook, read only, and
matching a row to its session), ``participants`` (seed 000: one row per participant of a
cancelled session), ``enrich`` (all of it applied to new records before they are journaled),
``steps`` (:func:`~automation.procedures.steps.step_letters`: the letters a row calls for) and
``config`` (the ``[cancellations]`` billing policy).

This package imports nothing here on purpose: :mod:`automation.config` imports
:mod:`automation.procedures.config`, and the other modules import the configuration's users.
"""
