"""Judges of whether a word fits its place: language models."""
