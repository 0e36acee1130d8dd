public enum DispatchPlaceholder {}
