import Manifests

/// In tests, teardown objects are written as they print: `"HelmRelease/keda/keda"`. (The library takes
/// no literals: an empty `?? ""` must never become an object.)
extension ObjectReference: ExpressibleByStringInterpolation {
    init(stringLiteral value: String) {
        guard let id = ObjectReference(value) else { preconditionFailure("\(value) is not Kind/namespace/name") }
        self = id
    }
}

/// Kustomizations as they print: `"flux-system/apps"`.
extension KustomizationID: ExpressibleByStringInterpolation {
    init(stringLiteral value: String) {
        guard let slash = value.firstIndex(of: "/") else { preconditionFailure("\(value) is not namespace/name") }
        self.init(namespace: String(value[..<slash]), name: String(value[value.index(after: slash)...]))
    }
}
