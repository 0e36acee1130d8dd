import HooklineAPI
import HooklineConsole
import HooklineDispatch
import HooklineStore

/// The ``WebhookSender`` (and so the API's ``APISender``) in `hookline-send`: test sends and
/// resends from the console and the API go through the same ``Dispatcher`` as the worker, so
/// they are signed, sent and recorded alike, and share the `max_concurrent_test_sends` slots.
public struct DispatchSender: WebhookSender {
    public init() {}

    public func sendTest(_ eventType: EventType, to subscription: Subscription, context: PageContext) throws -> Int {
        try withSlot(context.config, refusal: Self.page) {
            try Dispatcher(store: try context.store, config: context.config)
                .sendTest(subscription: subscription, eventType: eventType, now: context.now).attemptID
        }
    }

    public func resend(_ delivery: Delivery, to subscription: Subscription, context: PageContext) throws -> Int {
        try withSlot(context.config, refusal: Self.page) {
            try Dispatcher(store: try context.store, config: context.config)
                .resend(delivery, subscription: subscription, now: context.now).attemptID
        }
    }

    public func sendTest(_ eventType: EventType, to subscription: Subscription, store: Store, config: Configuration, now: Int) throws
        -> Int
    {
        try withSlot(config, refusal: Self.problem) {
            try Dispatcher(store: store, config: config).sendTest(subscription: subscription, eventType: eventType, now: now).attemptID
        }
    }

    public func resend(_ delivery: Delivery, to subscription: Subscription, store: Store, config: Configuration, now: Int) throws -> Int {
        try withSlot(config, refusal: Self.problem) {
            try Dispatcher(store: store, config: config).resend(delivery, subscription: subscription, now: now).attemptID
        }
    }

    /// Runs `body` in a send slot; a slot refusal becomes the front end's error (`refusal`).
    private func withSlot<T>(_ config: Configuration, refusal: (SendSlots.Refusal) -> any Error, _ body: () throws -> T) throws -> T {
        do {
            return try SendSlots(database: config.database, count: config.maxConcurrentTestSends).withSlot(body)
        } catch let refused as SendSlots.Refusal {
            throw refusal(refused)
        }
    }

    /// The console's page for a refusal.
    private static func page(_ refusal: SendSlots.Refusal) -> any Error {
        switch refusal {
        case .busy(let count):
            PageFailure(
                status: .serviceUnavailable, title: "Busy sending",
                message:
                    "\(count == 1 ? "A test send is" : "\(count) test sends are") already running, the most this console allows at once. Nothing was sent; try again in a few seconds.",
                retryAfter: 5)
        case .unavailable(let detail): PageFailure.internalError(detail)
        }
    }

    /// The API's problem for a refusal.
    private static func problem(_ refusal: SendSlots.Refusal) -> any Error {
        switch refusal {
        case .busy(let count): Problem.busySending(slots: count)
        case .unavailable(let detail): Problem.internalError(detail)
        }
    }
}
