/// A count with its noun, singular for one: `1 mount`, `2 mounts`, `1 process`, `3 processes`.
public enum Count {
    /// `plural` defaults to `singular` + `s`.
    public static func of(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : plural ?? singular + "s")
    }
}
