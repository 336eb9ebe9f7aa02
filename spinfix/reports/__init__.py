"""Reports for people: a self-contained HTML page of scores and restorations."""
