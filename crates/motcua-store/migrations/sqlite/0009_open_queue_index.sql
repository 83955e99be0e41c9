-- Work queues (issue 7): the open dossiers of one agency in due order, from one index range.
-- Partial: only open dossiers (a year of a city's dossiers is mostly finished ones), and
-- covering for the queues' filters (status, transferred in, assignee), so that counting a
-- queue reads the index alone. The predicate is repeated word for word by the queries
-- (motcua-store dossiers_sql.rs OPEN_PREDICATE): both engines need that to use it. It
-- replaces the (holding agency, status, due) index, which every status filter defeated.
DROP INDEX dossiers_holding_queue;
CREATE INDEX dossiers_open_queue
    ON dossiers (holding_agency_id, due_at, id, status, receiving_agency_id, assignee_id)
    WHERE status IN ('submitted', 'received', 'processing', 'supplement_requested', 'awaiting_fees');
