"""Deadlines: every dated step of the user's filings on one page, and iCalendar feeds of them."""
