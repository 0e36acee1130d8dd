import HooklineConsole
import HooklineDispatch
import HooklineStore

/// The console's ``WebhookSender`` in `hookline-send`: test sends and resends go through the
/// same ``Dispatcher`` as the worker, so they are signed, sent and recorded alike.
public struct DispatchSender: WebhookSender {
    public init() {}

    public func sendTest(_ eventType: EventType, to subscription: Subscription, context: PageContext) throws -> Int {
        try slots(context).withSlot {
            try Dispatcher(store: try context.store, config: context.config)
                .sendTest(subscription: subscription, eventType: eventType, now: context.now).attemptID
        }
    }

    public func resend(_ delivery: Delivery, to subscription: Subscription, context: PageContext) throws -> Int {
        try slots(context).withSlot {
            try Dispatcher(store: try context.store, config: context.config)
                .resend(delivery, subscription: subscription, now: context.now).attemptID
        }
    }

    private func slots(_ context: PageContext) -> SendSlots {
        SendSlots(databasePath: context.config.databasePath, count: context.config.maxConcurrentTestSends)
    }
}
