"""Working on a collection: scoring many files, the source index and find-source, screening."""
