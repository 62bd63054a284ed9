"""Forms: the practice's forms, their versions, and each client's answers."""
