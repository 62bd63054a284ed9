"""Private files: stored through Django's storage API, served only by checked views."""
