"""Secure messages: one conversation per client with the practice."""
