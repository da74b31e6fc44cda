"""Procedures: what the office's practice asks once a cancellation or a dropout is recorded.

``cancellation`` (motive, recoverable, billable), ``dropout`` (the dropout procedure: the eight
steps, read from the row's dates), ``planning`` (the office's sessions workbook, read only, and
matching a row to its session), ``participants`` (a session cancelled by the trainer or the
organisation: one row per participant), ``enrich`` (all of it applied to new records before
they are journaled),
``steps`` (:func:`~automation.procedures.steps.step_letters`: the letters a row calls for) and
``config`` (the ``[cancellations]`` billing policy).

This package imports nothing here on purpose: :mod:`automation.config` imports
:mod:`automation.procedures.config`, and the other modules import the configuration's users.
"""
