"""Sources: what produces arrivals — the drop folder and the mailboxes."""
