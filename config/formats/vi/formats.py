"""Vietnamese dates as they read inside a sentence ("hạn chót 13 tháng 12, 2026"):
Django's own capitalise "Ngày" and "Tháng", which reads wrong mid-sentence. The rest
(input formats, separators) stays Django's."""

DATE_FORMAT = r"j \t\h\á\n\g n, Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = r"H:i, j \t\h\á\n\g n, Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
MONTH_DAY_FORMAT = r"j \t\h\á\n\g n"
YEAR_MONTH_FORMAT = r"\t\h\á\n\g n \n\ă\m Y"
TIME_FORMAT = "H:i"
