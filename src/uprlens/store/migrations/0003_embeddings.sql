-- Sentence vectors cached by text hash: embedding a text once is enough for every analysis.
CREATE TABLE embeddings (
    text_hash   TEXT NOT NULL,              -- sha1 of the exact text embedded
    model       TEXT NOT NULL,              -- embedding model id
    vector      BLOB NOT NULL,              -- float32 little-endian, L2-normalised
    PRIMARY KEY (text_hash, model)
);
