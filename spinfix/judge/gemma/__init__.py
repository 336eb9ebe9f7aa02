"""Gemma 3 270M (base) run in numpy: weight cache, tokenizer and forward pass."""
