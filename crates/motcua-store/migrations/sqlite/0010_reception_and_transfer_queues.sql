-- Two more work queues read from one index range each (issue 7), both partial and small:
-- the reception queue (submitted, not yet received: first come, first served) and the
-- dossiers transferred in from another agency, in due order. Their predicates are repeated
-- word for word by the queries (motcua-store dossiers_sql.rs).
CREATE INDEX dossiers_to_receive
    ON dossiers (holding_agency_id, id)
    WHERE status = 'submitted';
CREATE INDEX dossiers_transferred_in
    ON dossiers (holding_agency_id, due_at, id)
    WHERE status IN ('submitted', 'received', 'processing', 'supplement_requested', 'awaiting_fees') AND receiving_agency_id <> holding_agency_id;
