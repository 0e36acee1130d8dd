import HooklineCGI
import HooklineStore

/// `GET /metrics`: the Prometheus text of DESIGN §9, behind the console's sign-in like any page.
enum MetricsPage {
    @Sendable static func show(_ context: PageContext) throws -> Response {
        let text = try Metrics.render(store: try context.store, now: context.now)
        return Response(
            status: .ok, headers: [("Content-Type", Metrics.contentType), ("Cache-Control", "no-store")], body: Array(text.utf8))
    }
}
