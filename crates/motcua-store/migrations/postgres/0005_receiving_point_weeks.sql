-- A receiving point's own working week, set by its agency's administrators: the JSON document
-- of a motcua_calendar::WorkWeek (weekly days off, Saturday mornings, opening hours). NULL
-- keeps the default week: Monday–Friday, 07:30–11:30 and 13:00–17:00.
ALTER TABLE receiving_points ADD COLUMN work_week TEXT;
