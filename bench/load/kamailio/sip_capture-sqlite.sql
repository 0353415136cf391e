-- bench/load/kamailio/sip_capture-sqlite.sql: copied unchanged from the project's shared peers
-- harness (shared/peers/sql/sip_capture-sqlite.sql) so the benchmark runs without it.
-- peers/sql/sip_capture-sqlite.sql (derived from sip_capture-postgres.sql;
-- columns are nullable because db_sqlite binds empty strings as NULL)
-- Table for Kamailio 5.6 sipcapture's sip_capture() (default table name
-- "sip_capture").  The Debian kamailio 5.6.3 packages do NOT ship a sipcapture
-- schema (/usr/share/kamailio/postgres/ has siptrace-create.sql = the sip_trace
-- table of the *siptrace* module, not this one), so this was written for the
-- harness from the 44 columns the 5.6 module inserts (column names are the
-- module's defaults; see README).  msg is BLOB because the module passes the
-- raw message as a DB1_BLOB, which db_postgres escapes as bytea.
CREATE TABLE IF NOT EXISTS sip_capture (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    date TIMESTAMP DEFAULT '1900-01-01 00:00:01',
    micro_ts BIGINT DEFAULT 0,
    method VARCHAR(50) DEFAULT '',
    reply_reason VARCHAR(100) DEFAULT '',
    ruri VARCHAR(200) DEFAULT '',
    ruri_user VARCHAR(100) DEFAULT '',
    ruri_domain VARCHAR(150) DEFAULT '',
    from_user VARCHAR(100) DEFAULT '',
    from_domain VARCHAR(150) DEFAULT '',
    from_tag VARCHAR(64) DEFAULT '',
    to_user VARCHAR(100) DEFAULT '',
    to_domain VARCHAR(150) DEFAULT '',
    to_tag VARCHAR(64) DEFAULT '',
    pid_user VARCHAR(100) DEFAULT '',
    contact_user VARCHAR(120) DEFAULT '',
    auth_user VARCHAR(120) DEFAULT '',
    callid VARCHAR(255) DEFAULT '',
    callid_aleg VARCHAR(255) DEFAULT '',
    via_1 VARCHAR(256) DEFAULT '',
    via_1_branch VARCHAR(80) DEFAULT '',
    cseq VARCHAR(25) DEFAULT '',
    diversion VARCHAR(256) DEFAULT '',
    reason VARCHAR(200) DEFAULT '',
    content_type VARCHAR(256) DEFAULT '',
    auth VARCHAR(256) DEFAULT '',
    user_agent VARCHAR(256) DEFAULT '',
    source_ip VARCHAR(60) DEFAULT '',
    source_port INTEGER DEFAULT 0,
    destination_ip VARCHAR(60) DEFAULT '',
    destination_port INTEGER DEFAULT 0,
    contact_ip VARCHAR(60) DEFAULT '',
    contact_port INTEGER DEFAULT 0,
    originator_ip VARCHAR(60) DEFAULT '',
    originator_port INTEGER DEFAULT 0,
    correlation_id VARCHAR(256) DEFAULT '',
    custom_field1 VARCHAR(120) DEFAULT '',
    custom_field2 VARCHAR(120) DEFAULT '',
    custom_field3 VARCHAR(120) DEFAULT '',
    proto INTEGER DEFAULT 0,
    family INTEGER DEFAULT 0,
    rtp_stat VARCHAR(256) DEFAULT '',
    type INTEGER DEFAULT 0,
    node VARCHAR(125) DEFAULT '',
    msg BLOB NOT NULL,
    -- harness-only column (not written by Kamailio): server-side insert time,
    -- used to measure ingest throughput and capture->row latency
    inserted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now'))
);
CREATE INDEX IF NOT EXISTS sip_capture_ruri_user_idx ON sip_capture (ruri_user);
CREATE INDEX IF NOT EXISTS sip_capture_from_user_idx ON sip_capture (from_user);
CREATE INDEX IF NOT EXISTS sip_capture_to_user_idx ON sip_capture (to_user);
CREATE INDEX IF NOT EXISTS sip_capture_date_idx ON sip_capture (date);
CREATE INDEX IF NOT EXISTS sip_capture_callid_idx ON sip_capture (callid);
CREATE INDEX IF NOT EXISTS sip_capture_correlation_idx ON sip_capture (correlation_id);
