"""Continuous improvement (indicator 32): actions opened from complaints and dropouts, their
deadlines, and the risk analysis reviewed yearly."""
