import Manifests

/// In tests, teardown objects are written as they print: `"HelmRelease/keda/keda"`. (The library takes
/// no literals: an empty `?? ""` must never become an object.)
extension ObjectReference: ExpressibleByStringInterpolation {
    init(stringLiteral value: String) {
        guard let id = ObjectReference(value) else { preconditionFailure("\(value) is not Kind/namespace/name") }
        self = id
    }
}
