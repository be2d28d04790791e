"""Hindi dates in India's day-month order (13/12/2026); Django's own put the month first."""

SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y, H:i"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
