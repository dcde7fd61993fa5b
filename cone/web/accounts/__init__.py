"""Accounts: signing in and out, the account page with password and API tokens, and the user commands."""
