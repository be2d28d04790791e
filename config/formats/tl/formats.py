"""Tagalog dates, which Django does not ship: "Disyembre 6, 2026", as the Philippines
writes them."""

DATE_FORMAT = "F j, Y"
SHORT_DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "F j, Y, g:i A"
SHORT_DATETIME_FORMAT = "M j, Y, g:i A"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "g:i A"
FIRST_DAY_OF_WEEK = 0
