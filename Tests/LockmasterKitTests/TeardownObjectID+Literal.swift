import LockmasterKit

/// In tests, teardown objects are written as they print: `"HelmRelease/keda/keda"`. (The library takes
/// no literals: an empty `?? ""` must never become an object.)
extension TeardownObjectID: ExpressibleByStringInterpolation {
    init(stringLiteral value: String) {
        guard let id = TeardownObjectID(value) else { preconditionFailure("\(value) is not Kind/namespace/name") }
        self = id
    }
}
