public enum SendPagesPlaceholder {}
