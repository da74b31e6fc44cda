"""The shared pipeline: every source's records go through the same steps.

``office`` opens an office folder (configuration, journal, single-process lock);
``store`` records rows durably and writes them to the workbooks; ``letters`` produces the
letters the rows call for (*prepared*); ``sent`` and ``sent_mail`` learn that a letter was
*sent* (by the tool, from the mailbox's Sent folder, filed in ``outbox/envoyés/``, or
``automation letters sent``), which alone dates the register; ``files`` handles one dropped
file from arrival to filing.
"""
