"""Indicators computed from the registers, each with its written method.

The flow: :mod:`~automation.indicators.load` reads the registers
(:func:`automation.registers.reader.read_register`) and the planning
(:mod:`automation.procedures.planning`); :mod:`~automation.indicators.records` types each row
once; :mod:`~automation.indicators.selection` keeps the rows of a period
(:mod:`~automation.indicators.period`) and of a training, trainer or session;
:mod:`~automation.indicators.compute` runs every declared figure —
:mod:`~automation.indicators.survey`, :mod:`~automation.indicators.complaints`,
:mod:`~automation.indicators.attendance`, each figure a small function with its French method
(:mod:`~automation.indicators.catalog`) — into a :class:`~automation.indicators.results.Report`
of :class:`~automation.indicators.results.IndicatorResult` values.

Those values feed the ``indicators`` table and JSON, the dashboard's « Indicateurs » sheets
(:mod:`~automation.indicators.dashboard`), the published page and CSV
(:mod:`~automation.indicators.publish`) and the audit pack. Which referential version is in
force, and which of its indicators a figure evidences, comes from :mod:`automation.referential`.
"""
