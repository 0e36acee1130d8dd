import HooklineAPI
import HooklineStore

/// Sends webhooks on behalf of a page. The console module cannot send (it links no libcurl);
/// `hookline-send` passes an implementation to ``Console/main(sender:)``, and the dispatcher
/// gives it only to POSTs of routes marked `sends`. The same sender serves the API's sending
/// endpoints (``APISender``), so both front ends send through one path.
public protocol WebhookSender: APISender {
    /// Sends a sample event of `eventType` to `subscription` now, records the attempt and
    /// returns its id.
    func sendTest(_ eventType: EventType, to subscription: Subscription, context: PageContext) throws -> Int
    /// Sends `delivery` again now (same event id and body, new timestamp and signature),
    /// records the attempt and returns its id.
    func resend(_ delivery: Delivery, to subscription: Subscription, context: PageContext) throws -> Int
}
