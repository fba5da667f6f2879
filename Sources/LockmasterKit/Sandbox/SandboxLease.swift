public import Foundation
import GitKit
import Platform
public import Support

/// Who owns a sandbox and until when, in `lease.lockmaster` in the sandbox's directory: not a `.yaml`
/// file, so Flux never applies it (FLUX.md §5.4) and Lockmaster's manifest reader never reads it.
public struct SandboxLease: Sendable, Codable, Equatable {
    /// The most of a lease file read: a branch decides its bytes.
    public static let sizeLimit = 64 << 10

    public var owner: String
    public var created: Date
    public var expires: Date
    /// The ticket the sandbox's name starts with (`OPS-123`).
    public var ticket: String?

    public init(owner: String, created: Date, expires: Date, ticket: String?) {
        self.owner = owner
        self.created = created
        self.expires = expires
        self.ticket = ticket
    }

    public func isExpired(at now: Date) -> Bool { expires <= now }

    /// How long a lease runs: `ttl` (`--ttl`), else `sandbox.ttl` from lockmaster.yaml.
    static func ttl(_ ttl: TimeSpan?, settings: LockmasterSettings) throws(SandboxLeaseError) -> TimeSpan {
        if let ttl { return ttl }
        guard let span = TimeSpan(settings.sandbox.ttl) else { throw .badDuration(settings.sandbox.ttl) }
        return span
    }

    /// The file: a comment, then `key: value` lines with RFC 3339 times.
    public var text: String {
        "# The lease of this sandbox (lockmaster sandbox extend changes it). Flux does not read this file.\n"
            + "owner: \(owner)\ncreated: \(LeaseTime.format(created))\nexpires: \(LeaseTime.format(expires))\n"
            + (ticket.map { "ticket: \($0)\n" } ?? "")
    }

    /// Reads a lease file; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws(SandboxLeaseError) -> SandboxLease {
        var fields: [String: (value: String, line: Int)] = [:]
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw .malformed(SourceLocation(path: path, line: index + 1), "expected key: value")
            }
            fields[String(trimmed[..<colon])] = (
                trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces), index + 1
            )
        }
        func time(_ key: String) throws(SandboxLeaseError) -> Date {
            guard let field = fields[key] else { throw .malformed(SourceLocation(path: path), "no \(key)") }
            guard let date = LeaseTime.parse(field.value) else {
                throw .malformed(SourceLocation(path: path, line: field.line), "\(key) is not an RFC 3339 time")
            }
            return date
        }
        guard let owner = fields["owner"]?.value, !owner.isEmpty else {
            throw .malformed(SourceLocation(path: path), "no owner")
        }
        return SandboxLease(
            owner: owner, created: try time("created"), expires: try time("expires"), ticket: fields["ticket"]?.value)
    }

    /// Who owns a lease nobody named: whom git authors commits as.
    static func defaultOwner(git: any GitClient, root: URL) async throws -> String {
        guard let owner = try await git.authorEmail(in: root) else { throw SandboxLeaseError.noOwner }
        return owner
    }

    /// `OPS-123` of `OPS-123-add-keda`: the leading letters, a hyphen and digits.
    public static func ticket(in name: String) -> String? {
        guard let match = name.range(of: "^[A-Za-z][A-Za-z0-9]*-[0-9]+", options: .regularExpression) else {
            return nil
        }
        return String(name[match])
    }

    private enum CodingKeys: String, CodingKey { case owner, created, expires, ticket }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        owner = try container.decode(String.self, forKey: .owner)
        guard let created = LeaseTime.parse(try container.decode(String.self, forKey: .created)),
            let expires = LeaseTime.parse(try container.decode(String.self, forKey: .expires))
        else {
            throw DecodingError.dataCorruptedError(
                forKey: .created, in: container, debugDescription: "not an RFC 3339 time")
        }
        self.created = created
        self.expires = expires
        ticket = try container.decodeIfPresent(String.self, forKey: .ticket)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(owner, forKey: .owner)
        try container.encode(LeaseTime.format(created), forKey: .created)
        try container.encode(LeaseTime.format(expires), forKey: .expires)
        try container.encodeIfPresent(ticket, forKey: .ticket)
    }
}

public enum SandboxLeaseError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(SourceLocation, String)
    case badDuration(String)
    case badTime(String)
    case noOwner
    case tooLarge(path: String, limit: Int)

    public var description: String {
        switch self {
        case .malformed(let location, let what): "\(location): the sandbox lease is malformed: \(what)"
        case .badDuration(let text): "'\(text)' is not a lease duration: \(TimeSpan.grammar)"
        case .badTime(let text): "'\(text)' is not a time: write RFC 3339, e.g. 2026-12-01T09:00:00Z"
        case .tooLarge(let path, let limit):
            "\(path): the sandbox lease is larger than \(limit >> 10) KiB; it was not read (sandbox create writes a few lines)"
        case .noOwner:
            "no owner for the lease: set git's user.email (git config user.email you@example.com), or pass --owner"
        }
    }
}

/// Lease times: RFC 3339 in UTC, to the second; the clock (`--now`, `LOCKMASTER_NOW`).
public enum LeaseTime {
    public static func format(_ date: Date) -> String {
        Timestamp.rfc3339(Int(date.timeIntervalSince1970.rounded(.down)))
    }

    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// The clock: `explicit` (`--now`), else `LOCKMASTER_NOW`, else the system's.
    public static func now(explicit: String?, environment: [String: String]) throws(SandboxLeaseError) -> Date {
        guard let text = explicit ?? environment["LOCKMASTER_NOW"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            return Date()
        }
        guard let date = parse(text) else { throw .badTime(text) }
        return date
    }
}
