-- bench/load/kamailio/sip_capture-postgres.sql: Kamailio 5.6 sipcapture's table in PostgreSQL, for
-- the side-by-side benchmark (bench/load/backends.sh). Origin: the project's shared peers harness
-- (shared/peers/sql/sip_capture-postgres.sql), without its harness-only inserted_at column.
-- raw message as a DB1_BLOB, which db_postgres escapes as bytea.
CREATE TABLE IF NOT EXISTS sip_capture (
    id BIGSERIAL NOT NULL,
    date TIMESTAMP WITHOUT TIME ZONE NOT NULL DEFAULT '1900-01-01 00:00:01',
    micro_ts BIGINT NOT NULL DEFAULT 0,
    method VARCHAR(50) NOT NULL DEFAULT '',
    reply_reason VARCHAR(100) NOT NULL DEFAULT '',
    ruri VARCHAR(200) NOT NULL DEFAULT '',
    ruri_user VARCHAR(100) NOT NULL DEFAULT '',
    ruri_domain VARCHAR(150) NOT NULL DEFAULT '',
    from_user VARCHAR(100) NOT NULL DEFAULT '',
    from_domain VARCHAR(150) NOT NULL DEFAULT '',
    from_tag VARCHAR(64) NOT NULL DEFAULT '',
    to_user VARCHAR(100) NOT NULL DEFAULT '',
    to_domain VARCHAR(150) NOT NULL DEFAULT '',
    to_tag VARCHAR(64) NOT NULL DEFAULT '',
    pid_user VARCHAR(100) NOT NULL DEFAULT '',
    contact_user VARCHAR(120) NOT NULL DEFAULT '',
    auth_user VARCHAR(120) NOT NULL DEFAULT '',
    callid VARCHAR(255) NOT NULL DEFAULT '',
    callid_aleg VARCHAR(255) NOT NULL DEFAULT '',
    via_1 VARCHAR(256) NOT NULL DEFAULT '',
    via_1_branch VARCHAR(80) NOT NULL DEFAULT '',
    cseq VARCHAR(25) NOT NULL DEFAULT '',
    diversion VARCHAR(256) NOT NULL DEFAULT '',
    reason VARCHAR(200) NOT NULL DEFAULT '',
    content_type VARCHAR(256) NOT NULL DEFAULT '',
    auth VARCHAR(256) NOT NULL DEFAULT '',
    user_agent VARCHAR(256) NOT NULL DEFAULT '',
    source_ip VARCHAR(60) NOT NULL DEFAULT '',
    source_port INTEGER NOT NULL DEFAULT 0,
    destination_ip VARCHAR(60) NOT NULL DEFAULT '',
    destination_port INTEGER NOT NULL DEFAULT 0,
    contact_ip VARCHAR(60) NOT NULL DEFAULT '',
    contact_port INTEGER NOT NULL DEFAULT 0,
    originator_ip VARCHAR(60) NOT NULL DEFAULT '',
    originator_port INTEGER NOT NULL DEFAULT 0,
    correlation_id VARCHAR(256) NOT NULL DEFAULT '',
    custom_field1 VARCHAR(120) NOT NULL DEFAULT '',
    custom_field2 VARCHAR(120) NOT NULL DEFAULT '',
    custom_field3 VARCHAR(120) NOT NULL DEFAULT '',
    proto INTEGER NOT NULL DEFAULT 0,
    family INTEGER NOT NULL DEFAULT 0,
    rtp_stat VARCHAR(256) NOT NULL DEFAULT '',
    type INTEGER NOT NULL DEFAULT 0,
    node VARCHAR(125) NOT NULL DEFAULT '',
    msg BYTEA NOT NULL,
    PRIMARY KEY (id, date)
);
CREATE INDEX IF NOT EXISTS sip_capture_ruri_user_idx ON sip_capture (ruri_user);
CREATE INDEX IF NOT EXISTS sip_capture_from_user_idx ON sip_capture (from_user);
CREATE INDEX IF NOT EXISTS sip_capture_to_user_idx ON sip_capture (to_user);
CREATE INDEX IF NOT EXISTS sip_capture_date_idx ON sip_capture (date);
CREATE INDEX IF NOT EXISTS sip_capture_callid_idx ON sip_capture (callid);
CREATE INDEX IF NOT EXISTS sip_capture_correlation_idx ON sip_capture (correlation_id);
