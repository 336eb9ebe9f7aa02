"""Shipped data: the compact thesaurus, the spelling list and example texts."""
