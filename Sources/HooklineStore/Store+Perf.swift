extension Store {
    /// Runs `body` on one snapshot of the database. With SQLite its statements share one read
    /// transaction (`BEGIN` … `COMMIT`) instead of taking and dropping the read lock one
    /// statement at a time (a page of 50 rows runs over 50 statements). PostgreSQL, and a
    /// call made inside a transaction already, run `body` as it is.
    ///
    /// Only for pages that read: a write inside would have to upgrade the snapshot to a write
    /// lock and fails with "database is locked" when another process wrote in between.
    public func reading<T>(_ body: () throws -> T) throws -> T {
        guard let db = (subscriptions as? SubscriptionStore)?.db, db.dialect == .sqlite, !db.connection.inTransaction else {
            return try body()
        }
        try db.execute("BEGIN")
        // A read-only transaction has nothing to roll back: ending it either way releases the snapshot.
        defer { try? db.execute("COMMIT") }
        return try body()
    }
}

extension Store {
    /// Runs `body` as one transaction: the changes made inside (each of them one transaction
    /// on its own) join it and are committed together, or none of them when `body` throws. With
    /// SQLite that is one `BEGIN IMMEDIATE` … `COMMIT` (one write of the log instead of one
    /// per change); on PostgreSQL `body` runs as it is, each change committed alone.
    ///
    /// Keep `body` short and free of network calls: it holds the write lock throughout.
    public func inOneTransaction<T>(_ body: () throws -> T) throws -> T {
        // On PostgreSQL each record stays its own short row-lock transaction, so workers recording
        // at once do not hold each other's rows for a whole batch.
        guard let db = (deliveries as? DeliveryLog)?.db, db.dialect == .sqlite else { return try body() }
        return try db.transaction(.serialized, body)
    }
}
