"""Files: where they live, reading text safely, writing atomically, and model files as data."""
