"""Aligning a spun text with its source: sentences, then words, then the substitutions."""
