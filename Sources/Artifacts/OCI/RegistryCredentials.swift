import Foundation

/// A username and password (or token) for a registry. Printing one never shows the secret.
public struct RegistryCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "credentials for \(username)" }
    public var debugDescription: String { description }

    /// The `Authorization: Basic` value.
    var basicAuthorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}
