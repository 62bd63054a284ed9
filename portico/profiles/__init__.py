"""Profile and insurance: what clients update, and staff review per field."""
