"""Restoring spun text: the knowledge it draws on, candidate rows, the restorer and its decisions, restorations."""
