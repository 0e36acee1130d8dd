/// Facts about this build of Hookline that several programs state.
public enum Hookline {
    /// The version, as in `User-Agent: Hookline/<version>`, `hookline --version` and the pages.
    public static let version = "1.1.0"
    /// The `User-Agent` of every delivery.
    public static let userAgent = "Hookline/\(version)"
}
