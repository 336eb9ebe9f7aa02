"""The substitution dictionary: spun -> original phrase pairs with counts, and its files."""
