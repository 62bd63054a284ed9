"""Documents: statements, receipts and letters for clients, and files the practice asks for."""
