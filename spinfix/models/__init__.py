"""Shipped models: the default detector and the default substitution dictionary."""
