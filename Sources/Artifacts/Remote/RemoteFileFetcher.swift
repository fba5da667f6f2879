public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import Support

/// Fetches a kustomization's remote file (a resource, a patch, a generator's file) for a build run with
/// `--allow-remote`: Lockmaster fetches it, never the confined build, and only from a host the settings
/// allow. Like kustomize's loader it sends a plain GET; unlike it, it sends no credentials, follows a
/// redirect only to another allowed host, wants https (plain http on loopback only) and stops at 16 MiB.
public struct RemoteFileFetcher: Sendable {
    public let allowedHosts: [String]
    private let http: HTTPClient

    public static let sizeLimit = 16 << 20

    public init(allowedHosts: [String], http: HTTPClient = RegistryClient.sharedHTTPClient) {
        self.allowedHosts = allowedHosts
        self.http = http
    }

    public enum FetchError: Error, Sendable, Equatable, CustomStringConvertible {
        case hostNotAllowed(url: String, host: String, allowed: [String])
        case plainHTTP(url: String)
        case status(url: String, code: UInt)
        case tooLarge(url: String)
        case unreachable(url: String, reason: String)

        public var description: String {
            switch self {
            case .hostNotAllowed(let url, let host, let allowed):
                "\(Inert.line(url)) was not fetched: \(Inert.line(host)) is not in remoteHosts in lockmaster.yaml"
                    + (allowed.isEmpty ? " (it lists none)" : " (\(allowed.joined(separator: ", ")))")
            case .plainHTTP(let url):
                "\(Inert.line(url)) was not fetched: plain http is allowed on loopback only; use https"
            case .status(let url, let code): "\(Inert.line(url)) answered \(code)"
            case .tooLarge(let url):
                "\(Inert.line(url)) is larger than \(RemoteFileFetcher.sizeLimit >> 20) MiB; it was not read further"
            case .unreachable(let url, let reason): "\(Inert.line(url)) could not be fetched: \(reason)"
            }
        }
    }

    /// The host (with its port when the URL names one), as `remoteHosts` lists it.
    static func host(of url: URL) -> String? {
        guard let host = url.host else { return nil }
        return url.port.map { "\(host):\($0)" } ?? host
    }

    public func fetch(_ address: String) async throws(FetchError) -> Data {
        var target = address
        for _ in 0..<5 {
            guard let url = URL(string: target), let scheme = url.scheme?.lowercased(),
                scheme == "https" || scheme == "http", let host = Self.host(of: url)
            else {
                throw .unreachable(url: address, reason: "not an http(s) URL")
            }
            guard allowedHosts.contains(host) || allowedHosts.contains(url.host ?? "") else {
                throw .hostNotAllowed(url: target, host: host, allowed: allowedHosts)
            }
            if scheme == "http", !["127.0.0.1", "localhost", "::1"].contains(url.host ?? "") {
                throw .plainHTTP(url: target)
            }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(HTTPClientRequest(url: target), timeout: .seconds(60))
            } catch {
                throw .unreachable(url: target, reason: "\(NetworkFailure.classify(error))")
            }
            if [301, 302, 303, 307, 308].contains(response.status.code),
                let location = response.headers.first(name: "Location"),
                let next = URL(string: location, relativeTo: url)?.absoluteString
            {
                target = next
                continue
            }
            guard response.status == .ok else { throw .status(url: target, code: response.status.code) }
            if let announced = response.headers.first(name: "Content-Length").flatMap(Int.init),
                announced > Self.sizeLimit
            {
                throw .tooLarge(url: target)
            }
            do {
                return Data(try await response.body.collect(upTo: Self.sizeLimit).readableBytesView)
            } catch is NIOTooManyBytesError {
                throw .tooLarge(url: target)
            } catch {
                throw .unreachable(url: target, reason: "\(NetworkFailure.classify(error))")
            }
        }
        throw .unreachable(url: address, reason: "more than 5 redirects")
    }
}
