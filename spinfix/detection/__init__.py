"""Detecting spin: sentence features, compiled forests, the document profile, the detector, listed phrases, streamed scoring."""
