"""Identity: organisations, users, roles, authentication and the access policy."""
