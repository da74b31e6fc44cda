"""The shared pipeline: every source's records go through the same steps.

``office`` opens an office folder (configuration, journal, single-process lock);
``store`` records rows durably and writes them to the workbooks; ``letters`` produces the
letters the rows call for; ``files`` handles one dropped file from arrival to filing.
"""
