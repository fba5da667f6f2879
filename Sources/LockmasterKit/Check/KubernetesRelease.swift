/// A Kubernetes minor release, `1.29` (a patch or a leading `v` is allowed and ignored): what
/// `check --kube-version` compares API deprecations with.
public struct KubernetesRelease: Sendable, Equatable {
    public var minor: Int

    public init(minor: Int) {
        self.minor = minor
    }

    /// Nil for anything but `1.Y[.Z]`.
    public init?(_ text: String) {
        let parts = text.trimmingPrefix("v").split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts[0] == "1", let minor = Int(parts[1]), minor >= 0,
            parts.count == 2 || Int(parts[2]) != nil
        else { return nil }
        self.minor = minor
    }
}
