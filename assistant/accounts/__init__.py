"""Staff accounts: users, roles, password hashes, server-side login sessions."""
