import HooklineTestSupport
import Testing

@testable import HooklineStore

/// Rows are read by column name, strictly: bad stored data is an error naming the column, never 0 or "".
@Suite struct RowDecodingTests {
    typealias F = StoreFixture

    func storeError(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return (error as? StoreError)?.message ?? "not a StoreError: \(error)"
        }
    }

    @Test func nullWhereNoneIsAllowedNamesTheColumn() throws {
        let fixture = try F()
        let row = try #require(try fixture.db.query("SELECT NULL AS disabled_at, 7 AS id").first)
        #expect(try row.optionalInt("disabled_at") == nil)
        #expect(try row.int("id") == 7)
        #expect(storeError { _ = try row.int("disabled_at") } == "the database column “disabled_at” is NULL where an integer is required")
        #expect(storeError { _ = try row.text("disabled_at") } == "the database column “disabled_at” is NULL where text is required")
    }

    @Test func wrongTypesAreErrorsNotZeroOrEmpty() throws {
        let fixture = try F()
        let row = try #require(try fixture.db.query("SELECT 'garbage' AS attempts, 12 AS name, 2 AS active").first)
        #expect(
            storeError { _ = try row.int("attempts") } == "the database column “attempts” holds text “garbage” where an integer is expected"
        )
        #expect(storeError { _ = try row.text("name") } == "the database column “name” holds an integer (12) where text is expected")
        #expect(storeError { _ = try row.bool("active") } == "the database column “active” holds an integer (2) where 0 or 1 is expected")
        #expect(storeError { _ = try row.int("missing") }?.hasPrefix("the query has no column “missing”") == true)
    }

    @Test func unknownStoredStateIsAnErrorNamingTheColumn() throws {
        let fixture = try F()
        let id = try fixture.create()
        let deliveryID = try fixture.deliveries.createDelivery(
            subscriptionID: id, eventID: "evt-x", eventType: "conversation.ended", body: "{}", isTest: false, due: fixture.now,
            now: fixture.now)
        try fixture.db.run("UPDATE deliveries SET state = 'exploded' WHERE id = ?", [.of(deliveryID)])
        #expect(
            storeError { _ = try fixture.deliveries.delivery(id: deliveryID) }
                == "the database column “state” holds “exploded”, which is not a known DeliveryState")
        try fixture.db.run("UPDATE subscriptions SET signature_scheme = 'md5' WHERE id = ?", [.of(id)])
        #expect(
            storeError { _ = try fixture.store.find(id: id) }
                == "the database column “signature_scheme” holds “md5”, which is not a known SignatureScheme")
    }

    @Test func storedTextOfTheEnumsIsUnchanged() {
        #expect(DeliveryState.allCases.map(\.rawValue) == ["pending", "sending", "succeeded", "failed", "cancelled", "held"])
        #expect(
            AuditAction.allCases.map(\.rawValue) == [
                "create", "update", "activate", "deactivate", "delete", "generate_secret", "regenerate_secret", "remove_secret", "disable",
                "create_token", "revoke_token",
                "deliver_held", "discard_held", "recover",
            ])
        #expect(
            AttemptOutcome.allCases.map(\.rawValue) == [
                "success", "invalid_url", "dns", "connect", "tls", "timeout", "blocked", "redirect", "http_status", "other",
            ])
    }

    @Test func attemptsOutsideTheWorkerLeaveTheFailingClockAlone() throws {
        let fixture = try F()
        let id = try fixture.create()
        let deliveryID = try fixture.deliveries.createDelivery(
            subscriptionID: id, eventID: "evt-t", eventType: "conversation.ended", body: "{}", isTest: true, due: nil, now: fixture.now)
        try fixture.deliveries.record(
            attempt(outcome: .timeout, status: nil), deliveryID: deliveryID, subscriptionID: id, nextAttemptAt: nil, giveUp: true,
            updatesFailingClock: false, now: fixture.now)
        let s = try #require(try fixture.store.find(id: id))
        #expect(s.failingSince == nil)
        #expect(s.lastDeliveryOutcome == .timeout)
        #expect(s.lastDeliveryAt == fixture.now)
    }
}
