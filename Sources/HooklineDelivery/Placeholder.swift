public enum DeliveryPlaceholder {}
