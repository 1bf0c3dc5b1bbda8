-- uprlens store, schema version 2: what the web app needs for collaborative coding.

-- Accounts. Passwords are argon2id hashes, never the password.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'coder', 'viewer')),
    created_at      TEXT NOT NULL,
    disabled        INTEGER NOT NULL DEFAULT 0
);

-- Login sessions. Only a SHA-256 of the cookie token is kept, so a copy of the store does not
-- hand out live sessions. Each session has its own CSRF token.
CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Secrets the app generates once per store (the key that signs anonymous CSRF tokens).
CREATE TABLE web_secrets (
    name            TEXT PRIMARY KEY,
    value           TEXT NOT NULL
);

-- Changes to accounts, kept like overrides: who did what to whom, when.
CREATE TABLE account_audit (
    id              INTEGER PRIMARY KEY,
    actor           TEXT NOT NULL,
    action          TEXT NOT NULL,
    username        TEXT NOT NULL,
    old_value       TEXT,
    new_value       TEXT,
    created_at      TEXT NOT NULL
);

-- The coding pages ask "latest value per (recommendation, label, coder)" and "least confident".
CREATE INDEX overrides_label_coder ON overrides(label, coder, recommendation_id, id);
CREATE INDEX machine_labels_score ON machine_labels(label, score);
