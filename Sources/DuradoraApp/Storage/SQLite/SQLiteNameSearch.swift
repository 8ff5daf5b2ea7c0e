import Foundation

/// Substring search over album and artist names (`name_key`, already lower case and NFC): a trigram FTS5 index per
/// table (migration 13), kept in step by triggers.
///
/// Why: a `LIKE '%text%'` cannot use an index, so every search read every album with its totals and artist before
/// testing the name (6.7 M of the 10.3 M instructions of a Subsonic `search3` at 1 000 albums). The trigram index
/// answers the same substring question from the text's three-letter pieces and hands back only the rows that hold
/// it. Text shorter than three characters has no trigram: it keeps the `LIKE` (then the list itself is short work).
enum SQLiteNameSearch {
    /// The migration step: one external-content index per table, filled from the rows already there.
    static let sql = ["albums", "artists"].map { table in
        """
        CREATE VIRTUAL TABLE \(table)_names USING fts5 (
            name_key, content = '\(table)', content_rowid = 'rowid', tokenize = 'trigram'
        );
        INSERT INTO \(table)_names (\(table)_names) VALUES ('rebuild');
        CREATE TRIGGER \(table)_names_insert AFTER INSERT ON \(table) BEGIN
            INSERT INTO \(table)_names (rowid, name_key) VALUES (new.rowid, new.name_key);
        END;
        CREATE TRIGGER \(table)_names_delete AFTER DELETE ON \(table) BEGIN
            INSERT INTO \(table)_names (\(table)_names, rowid, name_key) VALUES ('delete', old.rowid, old.name_key);
        END;
        CREATE TRIGGER \(table)_names_update AFTER UPDATE OF name_key ON \(table) BEGIN
            INSERT INTO \(table)_names (\(table)_names, rowid, name_key) VALUES ('delete', old.rowid, old.name_key);
            INSERT INTO \(table)_names (rowid, name_key) VALUES (new.rowid, new.name_key);
        END;
        """
    }.joined(separator: "\n")

    /// A condition (and its values) true for the albums whose name or whose artist's name holds `key`; `a` and `ar`
    /// are the statement's album and artist. Written as one `a.rowid IN (…)`, so the planner starts from the hits.
    static func albums(containing key: String) -> (String, [any SQLBindable]) {
        guard let phrase = phrase(key) else { return LibrarySQL.albums(like: key) }
        return ("""
            a.rowid IN (SELECT rowid FROM albums_names WHERE albums_names MATCH ?
                        UNION ALL
                        SELECT hit.rowid FROM artists_names JOIN artists AS hit_artist ON hit_artist.rowid = artists_names.rowid
                        JOIN albums AS hit ON hit.artist_id = hit_artist.id WHERE artists_names MATCH ?)
            """, [phrase, phrase])
    }

    /// A condition true for the artists (`ar`) whose name holds `key`.
    static func artists(containing key: String) -> (String, [any SQLBindable]) {
        guard let phrase = phrase(key) else { return LibrarySQL.artists(like: key) }
        return ("ar.rowid IN (SELECT rowid FROM artists_names WHERE artists_names MATCH ?)", [phrase])
    }

    /// `key` as one FTS5 string (every character literal but `"`, doubled): the trigram tokenizer matches it as a
    /// substring. Nil below three characters, which make no trigram.
    private static func phrase(_ key: String) -> String? {
        guard key.unicodeScalars.count >= 3 else { return nil }
        return "\"" + key.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
