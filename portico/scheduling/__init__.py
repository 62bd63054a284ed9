"""Self-scheduling: clinicians' availability and the open times clients book."""
