from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class PorticoArgon2Hasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum: m = 19 MiB, t = 2, p = 1."""

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
