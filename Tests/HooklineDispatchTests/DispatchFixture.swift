import HooklineCore
import HooklineDispatch
import HooklineSigning
import HooklineStore
import HooklineTestSupport
import Testing

/// A real SQLite store, a real receiver on 127.0.0.1 and a dispatcher whose clock and jitter
/// the test controls.
final class DispatchFixture {
    let store: StoreFixture
    let receiver: ReceiverProcess
    /// What the dispatcher's clock reads; tests move it forward.
    var now = 1_776_600_000
    /// What the dispatcher's random source returns (0..<1); 0.5 means no jitter.
    var jitter = 0.5
    /// Changes to the dev config below (operator notifications, retention).
    var settings: (inout Configuration) -> Void = { _ in }
    /// What the dispatcher logged (failed notifications).
    var logged: [String] = []

    init() throws {
        store = try StoreFixture()
        receiver = try ReceiverProcess()
    }

    deinit { receiver.stop() }

    /// Loopback and plain http are allowed here, as in a dev config.
    var config: Configuration {
        var config = Configuration()
        config.allowHTTP = true
        config.allowedPrivateTargets = [IPRange(cidr: "127.0.0.0/8")!]
        config.timeout = 10
        settings(&config)
        return config
    }

    var dispatcher: Dispatcher {
        Dispatcher(
            store: store.backend, config: config, clock: { [unowned self] in now }, random: { [unowned self] in jitter },
            log: { [unowned self] in logged.append($0) })
    }

    /// A subscription to `conversation.ended` delivering to the receiver's `path`.
    func subscribe(_ path: String, name: String = "CRM sync") throws -> Int {
        try store.create(name, url: receiver.url(path), secret: try SigningSecret.generate(), at: now)
    }

    /// Emits one `conversation.ended` at the current time; returns the new delivery of `subscription`.
    @discardableResult
    func emit(to subscription: Int) throws -> Delivery {
        let eventID = Identifier.uuid()
        let created = try store.deliveries.emit(
            eventID: eventID, eventType: "conversation.ended", agentUUID: nil, body: #"{"event_id":"\#(eventID)"}"#, now: now)
        #expect(created == 1)
        let due = try store.deliveries.due(now: now, limit: 1000)
        return try #require(due.first { $0.eventID == eventID && $0.subscriptionID == subscription })
    }

    /// Runs the worker once at the current time and returns how many attempts it made.
    @discardableResult
    func runWorker() throws -> Int {
        try dispatcher.runDue(now: now, limit: 100)
    }

    func delivery(_ delivery: Delivery) throws -> Delivery {
        try #require(try store.deliveries.delivery(id: delivery.id))
    }

    func subscription(_ id: Int) throws -> Subscription {
        try #require(try store.store.find(id: id))
    }
}
