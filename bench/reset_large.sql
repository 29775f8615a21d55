-- Remove what import_contacts.py, http_capture.py and earlier runs added, back to the
-- seeded large scale. SQLite: sqlite3 var/tandem.sqlite3 < bench/reset_large.sql;
-- PostgreSQL: psql -f bench/reset_large.sql, then VACUUM ANALYZE the three tables.
DELETE FROM crm_historicalcontact WHERE email LIKE '%@import.example' OR email LIKE '%@visitor.example';
DELETE FROM campaigns_campaignmember WHERE contact_id IN (SELECT id FROM crm_contact WHERE email LIKE '%@import.example' OR email LIKE '%@visitor.example');
DELETE FROM campaigns_touchpoint WHERE contact_id IN (SELECT id FROM crm_contact WHERE email LIKE '%@import.example' OR email LIKE '%@visitor.example');
DELETE FROM crm_contact WHERE email LIKE '%@import.example' OR email LIKE '%@visitor.example';
DELETE FROM campaigns_touchpoint WHERE idempotency_key LIKE 'ingest:%';
