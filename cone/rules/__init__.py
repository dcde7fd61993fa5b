"""Rules: the check functions a pack's rules name, and the checklist that runs them over a filing."""
