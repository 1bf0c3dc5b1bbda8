-- uprlens store, schema version 1. Plain names so the file reads well in Datasette or pandas.

CREATE TABLE states (
    iso3            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,          -- UN name
    status          TEXT NOT NULL,          -- member | observer
    regional_group  TEXT NOT NULL,          -- Africa | Asia | EEG | GRULAC | WEOG | Observer
    organisations   TEXT NOT NULL DEFAULT '' -- "EU; OIF"
);

CREATE TABLE reviews (
    id          TEXT PRIMARY KEY,           -- CHN-c3
    sur         TEXT NOT NULL REFERENCES states(iso3),
    cycle       INTEGER NOT NULL,
    session     INTEGER,
    year        INTEGER,
    wg_report   TEXT                        -- A/HRC/40/6
);

-- One row per (kind of source, review): re-importing replaces exactly these records.
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,          -- ohchr_matrix | wg_report | upr_info | uhri | ...
    review_id       TEXT NOT NULL REFERENCES reviews(id),
    file            TEXT NOT NULL,
    file_sha256     TEXT NOT NULL DEFAULT '',
    content_hash    TEXT NOT NULL,          -- hash of the records, decides "unchanged"
    title           TEXT NOT NULL DEFAULT '',
    imported_at     TEXT NOT NULL,
    n_recommendations INTEGER NOT NULL,
    UNIQUE (kind, review_id)
);

CREATE TABLE recommendations (
    pk                  INTEGER PRIMARY KEY,
    id                  TEXT NOT NULL,      -- CHN-c3-28.12 (unique within a source)
    source_id           INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    source_kind         TEXT NOT NULL,
    is_primary          INTEGER NOT NULL DEFAULT 0, -- 1 = the review's authoritative record set
    review_id           TEXT NOT NULL REFERENCES reviews(id),
    sur                 TEXT NOT NULL,
    cycle               INTEGER NOT NULL,
    session             INTEGER,
    kind                TEXT NOT NULL DEFAULT 'recommendation', -- recommendation | pledge
    paragraph           TEXT,
    text                TEXT NOT NULL,
    states              TEXT NOT NULL DEFAULT '', -- "DEU; FRA" for display; see recommendation_states
    n_states            INTEGER NOT NULL DEFAULT 0,
    n_parts             INTEGER NOT NULL DEFAULT 1,
    position            TEXT,               -- supported | noted | supported_in_part | pending
    position_qualifier  TEXT,               -- the SuR's own words, verbatim
    position_source     TEXT,
    file                TEXT NOT NULL,
    page                INTEGER,
    row                 INTEGER,
    locator             TEXT NOT NULL DEFAULT '',
    UNIQUE (id, source_id)
);
CREATE INDEX recommendations_review ON recommendations(review_id, is_primary);
CREATE INDEX recommendations_sur ON recommendations(sur, cycle);
CREATE INDEX recommendations_id ON recommendations(id);
CREATE INDEX recommendations_position ON recommendations(position);

CREATE TABLE parts (
    recommendation_pk   INTEGER NOT NULL REFERENCES recommendations(pk) ON DELETE CASCADE,
    part                INTEGER NOT NULL,   -- 1-based
    text                TEXT NOT NULL,
    PRIMARY KEY (recommendation_pk, part)
);

CREATE TABLE recommendation_states (
    recommendation_pk   INTEGER NOT NULL REFERENCES recommendations(pk) ON DELETE CASCADE,
    part                INTEGER NOT NULL,
    state               TEXT NOT NULL REFERENCES states(iso3),
    ord                 INTEGER NOT NULL,   -- order as printed
    PRIMARY KEY (recommendation_pk, part, state)
);
CREATE INDEX recommendation_states_state ON recommendation_states(state);

-- Labels that came with the source: UHRI themes, affected persons, SDGs, UPR Info issues.
CREATE TABLE tags (
    recommendation_pk   INTEGER NOT NULL REFERENCES recommendations(pk) ON DELETE CASCADE,
    scheme              TEXT NOT NULL,      -- theme | affected_persons | sdg | issue
    value               TEXT NOT NULL,
    PRIMARY KEY (recommendation_pk, scheme, value)
);
CREATE INDEX tags_value ON tags(scheme, value);

-- Human labels that came with a source (UPR Info's action category, response, ...), per part.
CREATE TABLE human_labels (
    recommendation_pk   INTEGER NOT NULL REFERENCES recommendations(pk) ON DELETE CASCADE,
    part                INTEGER NOT NULL DEFAULT 0, -- 0 = the whole recommendation
    label               TEXT NOT NULL,
    value               TEXT NOT NULL,
    source              TEXT NOT NULL,      -- upr_info | codebook | ...
    PRIMARY KEY (recommendation_pk, part, label, source)
);

-- Researchers' overrides, keyed by the stable id so they survive re-imports. Never deleted:
-- each change is a new row (the audit trail); the latest row per (id, label, coder) is current.
CREATE TABLE overrides (
    id                  INTEGER PRIMARY KEY,
    recommendation_id   TEXT NOT NULL,
    label               TEXT NOT NULL,
    old_value           TEXT,
    new_value           TEXT NOT NULL,
    coder               TEXT NOT NULL,
    reason              TEXT NOT NULL,
    created_at          TEXT NOT NULL
);
CREATE INDEX overrides_rec ON overrides(recommendation_id, label);

-- Machine labels, with the classifier version; never written over human labels.
CREATE TABLE machine_labels (
    recommendation_pk   INTEGER NOT NULL REFERENCES recommendations(pk) ON DELETE CASCADE,
    label               TEXT NOT NULL,      -- action_category | verdict | continue_framing | theme ...
    value               TEXT NOT NULL,
    score               REAL NOT NULL,
    decided_by          TEXT NOT NULL,
    classifier_version  TEXT NOT NULL,
    PRIMARY KEY (recommendation_pk, label, value)
);
CREATE INDEX machine_labels_value ON machine_labels(label, value);

CREATE TABLE evidence (
    recommendation_pk   INTEGER NOT NULL REFERENCES recommendations(pk) ON DELETE CASCADE,
    label               TEXT NOT NULL,
    value               TEXT NOT NULL,
    start               INTEGER NOT NULL,
    end                 INTEGER NOT NULL,
    text                TEXT NOT NULL,
    rule_id             TEXT NOT NULL,
    source              TEXT NOT NULL       -- rule | model | human
);
CREATE INDEX evidence_rec ON evidence(recommendation_pk, label);

-- UN expert recommendations (treaty bodies, special procedures, OHCHR): the drafting catalogue.
CREATE TABLE expert_recommendations (
    id          INTEGER PRIMARY KEY,
    sur         TEXT NOT NULL,
    body        TEXT NOT NULL,
    symbol      TEXT NOT NULL DEFAULT '',
    year        INTEGER,
    paragraph   TEXT NOT NULL DEFAULT '',
    topic       TEXT NOT NULL DEFAULT '',
    text        TEXT NOT NULL,
    verbatim    INTEGER NOT NULL DEFAULT 1,
    source      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    file        TEXT NOT NULL,
    row         INTEGER,
    content_hash TEXT NOT NULL,
    UNIQUE (content_hash)
);
CREATE INDEX expert_sur ON expert_recommendations(sur);

CREATE VIRTUAL TABLE recommendations_fts USING fts5(
    text, content='recommendations', content_rowid='pk', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER recommendations_ai AFTER INSERT ON recommendations BEGIN
    INSERT INTO recommendations_fts(rowid, text) VALUES (new.pk, new.text);
END;
CREATE TRIGGER recommendations_ad AFTER DELETE ON recommendations BEGIN
    INSERT INTO recommendations_fts(recommendations_fts, rowid, text) VALUES ('delete', old.pk, old.text);
END;
CREATE TRIGGER recommendations_au AFTER UPDATE OF text ON recommendations BEGIN
    INSERT INTO recommendations_fts(recommendations_fts, rowid, text) VALUES ('delete', old.pk, old.text);
    INSERT INTO recommendations_fts(rowid, text) VALUES (new.pk, new.text);
END;

CREATE VIRTUAL TABLE experts_fts USING fts5(
    text, topic, content='expert_recommendations', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER experts_ai AFTER INSERT ON expert_recommendations BEGIN
    INSERT INTO experts_fts(rowid, text, topic) VALUES (new.id, new.text, new.topic);
END;
CREATE TRIGGER experts_ad AFTER DELETE ON expert_recommendations BEGIN
    INSERT INTO experts_fts(experts_fts, rowid, text, topic) VALUES ('delete', old.id, old.text, old.topic);
END;
