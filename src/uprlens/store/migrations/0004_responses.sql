-- The SuR's answers from an addendum (A/HRC/xx/yy/Add.1), kept apart from the report
-- paragraphs they answer: a later version of the report is a new source whose rows start
-- from the report's own positions, and these rows put the addendum's answers back.
CREATE TABLE responses (
    review_id   TEXT NOT NULL REFERENCES reviews(id),
    paragraph   TEXT NOT NULL,              -- as printed in the report: "120.3"
    position    TEXT NOT NULL,              -- supported | noted | supported_in_part | pending
    stated      TEXT,                       -- qualifier and comment, verbatim
    source      TEXT NOT NULL,              -- "A/HRC/26/5/Add.1 table row 1"
    file        TEXT NOT NULL,              -- the addendum file read
    imported_at TEXT NOT NULL,
    PRIMARY KEY (review_id, paragraph)
);
