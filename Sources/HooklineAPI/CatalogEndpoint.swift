import HooklineCGI
import HooklineStore

/// `GET /event-types` and `GET /agents`: what events may carry.
enum CatalogEndpoint {
    @Sendable static func eventTypes(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let types = try context.store.catalog.eventTypes()
        return .json(
            .object([
                (
                    "data",
                    .array(
                        types.map { type in
                            .object([
                                ("name", .string(type.name)), ("group", .string(type.group)), ("description", .string(type.description)),
                                ("sample_data", (try? JSONValue(parsing: type.sampleData)) ?? .object([])),
                            ])
                        })
                )
            ]))
    }

    @Sendable static func agents(_ context: APIContext, _ parameters: [Int]) throws -> Response {
        let agents = try context.store.catalog.agents()
        return .json(
            .object([("data", .array(agents.map { .object([("uuid", .string($0.uuid)), ("name", .string($0.name))]) }))]))
    }
}
