/// A backend's statement error as the repositories' callers see it: which kind of constraint it violated, and
/// what that means to them (`insertError`), stated once for both backends.
protocol SQLConstraintError: Error {
    /// A UNIQUE constraint or PRIMARY KEY.
    var isUniqueViolation: Bool { get }
    var isForeignKeyViolation: Bool { get }
}

extension SQLConstraintError {
    /// What a failed INSERT (or UPDATE) means to the repositories' callers: a row it refers to is missing (foreign
    /// key) is `StorageError.notFound`; a key already taken is `.conflict(field: conflictField)` when the caller
    /// names the field; anything else is this error as it is.
    func insertError(conflictField: String?) -> any Error {
        if isForeignKeyViolation { return StorageError.notFound }
        if let conflictField, isUniqueViolation { return StorageError.conflict(field: conflictField) }
        return self
    }
}

extension SQLiteError: SQLConstraintError {}
extension PostgresError: SQLConstraintError {}
