"""The audit pack: a Word document (and its PDF) and a .zip of the evidence of a period."""
