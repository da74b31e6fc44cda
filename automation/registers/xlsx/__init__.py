"""The workbook at the level of its zip parts: reading, splicing and replacing an .xlsx.

``package`` finds and copies the parts, ``sheet`` locates rows and cells in a worksheet part
without building a tree, ``rows`` shapes new rows like the last data row, ``cells`` and
``styles`` write cells and the formats they need, ``formulas`` moves references, ``appender``
is the register writer built on them, and ``replace`` swaps a workbook for its new version
without ever leaving a broken one.
"""
