import HooklineStore
import HooklineTemplates

/// Template values shared with the sending pages of `hookline-send`.
public enum ConsoleValues {
    public static func summary(_ subscription: Subscription, context: PageContext) -> [String: TemplateValue] {
        SubscriptionPage.summary(subscription, context: context)
    }

    public static func attempt(_ attempt: DeliveryAttempt, context: PageContext) -> TemplateValue {
        DeliveriesPage.attemptValue(attempt, context: context)
    }
}
