"""Notifications: an inbox entry (and, unless the user turned it off, an e-mail) for every
hand-off of a filing, every comment that names a person or answers theirs, and each upcoming
date of a filing's timeline (`flask cone send-reminders`)."""
