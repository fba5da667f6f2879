public import AsyncHTTPClient
public import Foundation
public import NIOCore
import NIOHTTP1
import Support

/// The OCI distribution client (one for all registry traffic): API check, blobs (HEAD, monolithic and
/// chunked upload, cross-repository mount, GET), manifests (PUT/GET/HEAD with digest verification)
/// and paginated tag listing. Anonymous, basic and bearer-token authentication, following the
/// registry's `WWW-Authenticate` challenge.
public final class RegistryClient: ArtifactStore {
    public let endpoint: RegistryEndpoint
    private let credentials: RegistryCredentials?
    private let http: HTTPClient
    private let auth = AuthState()
    /// Blobs larger than this are sent in chunks (PATCH) rather than in one PUT.
    public let chunkSize: UInt64
    public let timeout: TimeAmount
    public let retry: RetryPolicy
    public let statistics: RegistryStatistics

    public var location: String { endpoint.description }

    /// One client for the process: TLS verified, and a refused connection reported at once rather than
    /// retried until the deadline. Redirects are followed by `exchange`, which drops `Authorization`
    /// for any other origin.
    public static let sharedHTTPClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(15)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    public init(
        endpoint: RegistryEndpoint, credentials: RegistryCredentials? = nil,
        http: HTTPClient = RegistryClient.sharedHTTPClient,
        chunkSize: UInt64 = 32 << 20, timeout: TimeAmount = .seconds(60), retry: RetryPolicy = RetryPolicy(),
        statistics: RegistryStatistics = RegistryStatistics()
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.http = http
        self.chunkSize = chunkSize
        self.timeout = timeout
        self.retry = retry
        self.statistics = statistics
    }

    /// The same, with the request timeout as a `Duration`.
    public convenience init(
        endpoint: RegistryEndpoint, credentials: RegistryCredentials?, requestTimeout: Duration, retry: RetryPolicy,
        statistics: RegistryStatistics
    ) {
        let milliseconds =
            requestTimeout.components.seconds * 1000 + requestTimeout.components.attoseconds / 1_000_000_000_000_000
        self.init(
            endpoint: endpoint, credentials: credentials, timeout: .milliseconds(milliseconds), retry: retry,
            statistics: statistics)
    }

    private var repositoryPath: String { "/v2/\(endpoint.repository)" }
    private var pullScope: String { "repository:\(endpoint.repository):pull" }
    private var pushScope: String { "repository:\(endpoint.repository):pull,push" }

    // MARK: API

    /// `GET /v2/`: the registry speaks the distribution API and accepts these credentials.
    public func checkAPI() async throws {
        let response = try await send(.GET, endpoint.baseURL + "/v2/", scope: pullScope, operation: "API version check")
        guard response.status == .ok else { throw failure("API version check", response) }
    }

    public func listTags() async throws -> [String] {
        var tags: [String] = []
        var next: String? = endpoint.baseURL + repositoryPath + "/tags/list?n=1000"
        var seen = Set<String>()
        while let url = next {
            // A registry (or whatever answers in its place) could page forever.
            guard seen.insert(url).inserted else {
                throw RegistryError.unexpectedResponse(
                    operation: "listing tags", reason: "the Link pages lead back to \(url), a cycle")
            }
            guard seen.count <= Self.maximumTagPages else {
                throw RegistryError.unexpectedResponse(
                    operation: "listing tags", reason: "more than \(Self.maximumTagPages) pages of tags")
            }
            let response = try await send(.GET, url, scope: pullScope, operation: "listing tags")
            if response.status == .notFound,
                response.errorCodes.contains(where: { $0.code == "NAME_UNKNOWN" }) || tags.isEmpty
            {
                return tags  // the repository does not exist yet
            }
            guard response.status == .ok else { throw failure("listing tags", response) }
            struct Page: Decodable { var tags: [String]? }
            guard let page = try? JSONDecoder().decode(Page.self, from: response.body) else {
                throw RegistryError.unexpectedResponse(operation: "listing tags", reason: "the tag list is not JSON")
            }
            tags += page.tags ?? []
            next = response.headers.first(name: "Link").flatMap(Self.nextLink).map(resolve)
        }
        return tags
    }

    public func blobExists(_ digest: String) async throws -> Bool {
        let response = try await send(
            .HEAD, endpoint.baseURL + repositoryPath + "/blobs/\(digest)", scope: pullScope,
            operation: "checking blob \(digest)")
        switch response.status {
        case .ok: return true
        case .notFound: return false
        default: throw failure("checking blob \(digest)", response)
        }
    }

    public func uploadBlob(_ data: Data, digest: String) async throws -> UInt64 {
        try await restartingUpload(digest) { try await self.uploadOnce(data, digest: digest) }
    }

    private func uploadOnce(_ data: Data, digest: String) async throws -> UInt64 {
        if try await blobExists(digest) { return 0 }
        let location = try await startUpload()
        let response = try await send(
            .PUT, Self.appending(digest: digest, to: location), headers: ["Content-Type": "application/octet-stream"],
            body: { .bytes(ByteBuffer(bytes: data)) }, scope: pushScope, operation: "uploading blob \(digest)",
            retrying: false)
        guard response.status == .created else { throw failure("uploading blob \(digest)", response) }
        return UInt64(data.count)
    }

    public func uploadBlob(from file: URL, digest: String, size: UInt64, progress: UploadProgress?) async throws
        -> UInt64
    {
        try await restartingUpload(digest) {
            try await self.uploadOnce(from: file, digest: digest, size: size, progress: progress)
        }
    }

    /// An upload session that fails part-way is not resumed in place: a new session starts, after the
    /// same backoff as a retry. The blob may have landed anyway; the restart then finds it and sends nothing.
    private func restartingUpload(_ digest: String, _ upload: @Sendable () async throws -> UInt64) async throws
        -> UInt64
    {
        try await retry.run(onRetry: { await statistics.restarted() }) { .done(try await upload()) }
    }

    private func uploadOnce(from file: URL, digest: String, size: UInt64, progress: UploadProgress?) async throws
        -> UInt64
    {
        if try await blobExists(digest) { return 0 }
        var location = try await startUpload()
        let operation = "uploading blob \(digest)"
        if size <= chunkSize {
            let response = try await send(
                .PUT, Self.appending(digest: digest, to: location),
                headers: ["Content-Type": "application/octet-stream"],
                body: {
                    .stream(
                        FileChunks(url: file, offset: 0, length: size, progress: progress), length: .known(Int64(size)))
                },
                scope: pushScope, operation: operation, retrying: false)
            guard response.status == .created else { throw failure(operation, response) }
            return size
        }
        var offset: UInt64 = 0
        while offset < size {
            let length = Swift.min(chunkSize, size - offset)
            let start = offset
            let response = try await send(
                .PATCH, location,
                headers: [
                    "Content-Type": "application/octet-stream", "Content-Range": "\(start)-\(start + length - 1)",
                ],
                body: {
                    .stream(
                        FileChunks(url: file, offset: start, length: length, progress: progress),
                        length: .known(Int64(length)))
                },
                scope: pushScope, operation: operation, retrying: false)
            guard response.status == .accepted, let next = response.headers.first(name: "Location") else {
                throw failure(operation, response)
            }
            location = resolve(next)
            offset += length
        }
        let response = try await send(
            .PUT, Self.appending(digest: digest, to: location), scope: pushScope, operation: operation, retrying: false)
        guard response.status == .created else { throw failure(operation, response) }
        return size
    }

    /// Mounts a blob from another repository of the same registry. Returns false when the registry
    /// did not mount it (the blob must then be uploaded).
    public func mountBlob(_ digest: String, from repository: String) async throws -> Bool {
        let url = endpoint.baseURL + repositoryPath + "/blobs/uploads/?mount=\(digest)&from=\(repository)"
        let response = try await send(
            .POST, url, scope: "repository:\(repository):pull \(pushScope)", operation: "mounting blob \(digest)")
        switch response.status {
        case .created: return true
        case .accepted: return false
        default: throw failure("mounting blob \(digest)", response)
        }
    }

    public func blob(_ digest: String, size: UInt64?) async throws -> Data {
        let limit = min(size.map { Int(clamping: $0) } ?? Self.maximumBody, Self.maximumBody)
        let response = try await send(
            .GET, endpoint.baseURL + repositoryPath + "/blobs/\(digest)", scope: pullScope,
            operation: "fetching blob \(digest)",
            limit: limit)
        guard response.status == .ok else { throw failure("fetching blob \(digest)", response) }
        let actual = Digest.sha256(response.body)
        guard actual == digest else {
            throw RegistryError.digestMismatch(what: "blob", expected: digest, actual: actual)
        }
        return response.body
    }

    public func putManifest(_ manifest: Data, mediaType: String, tag: String) async throws -> String {
        let expected = Digest.sha256(manifest)
        let response = try await send(
            .PUT, endpoint.baseURL + repositoryPath + "/manifests/\(tag)", headers: ["Content-Type": mediaType],
            body: { .bytes(ByteBuffer(bytes: manifest)) }, scope: pushScope,
            operation: "pushing the manifest for \(tag)")
        guard response.status == .created else { throw failure("pushing the manifest for \(tag)", response) }
        if let reported = response.headers.first(name: "Docker-Content-Digest"), reported != expected {
            throw RegistryError.digestMismatch(what: "manifest \(tag)", expected: expected, actual: reported)
        }
        return expected
    }

    public func manifest(_ reference: String) async throws -> FetchedManifest? {
        let response = try await send(
            .GET, endpoint.baseURL + repositoryPath + "/manifests/\(reference)", headers: ["Accept": Self.accept],
            scope: pullScope, operation: "fetching the manifest \(reference)", limit: Self.maximumManifest)
        if response.status == .notFound { return nil }
        guard response.status == .ok else { throw failure("fetching the manifest \(reference)", response) }
        let actual = Digest.sha256(response.body)
        let expected =
            Digest.isValid(reference) ? reference : response.headers.first(name: "Docker-Content-Digest") ?? actual
        guard actual == expected else {
            throw RegistryError.digestMismatch(what: "manifest \(reference)", expected: expected, actual: actual)
        }
        return FetchedManifest(
            data: response.body, digest: actual, mediaType: response.headers.first(name: "Content-Type"))
    }

    public func manifestDigest(_ reference: String) async throws -> String? {
        let response = try await send(
            .HEAD, endpoint.baseURL + repositoryPath + "/manifests/\(reference)", headers: ["Accept": Self.accept],
            scope: pullScope, operation: "checking the manifest \(reference)")
        if response.status == .notFound { return nil }
        guard response.status == .ok else { throw failure("checking the manifest \(reference)", response) }
        if let digest = response.headers.first(name: "Docker-Content-Digest"), Digest.isValid(digest) { return digest }
        return try await manifest(reference)?.digest
    }

    // MARK: Plumbing

    static let accept = [
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ].joined(separator: ", ")

    private func startUpload() async throws -> String {
        let response = try await send(
            .POST, endpoint.baseURL + repositoryPath + "/blobs/uploads/", scope: pushScope,
            operation: "starting a blob upload")
        guard response.status == .accepted, let location = response.headers.first(name: "Location") else {
            throw failure("starting a blob upload", response)
        }
        return resolve(location)
    }

    static func appending(digest: String, to location: String) -> String {
        location + (location.contains("?") ? "&" : "?") + "digest=" + digest.replacingOccurrences(of: ":", with: "%3A")
    }

    /// A `Location` or `Link` target relative to the registry becomes absolute.
    private func resolve(_ location: String) -> String {
        location.hasPrefix("http://") || location.hasPrefix("https://")
            ? location : endpoint.baseURL + (location.hasPrefix("/") ? "" : "/") + location
    }

    /// `</v2/…?last=x&n=1000>; rel="next"` → the URL.
    static func nextLink(_ header: String) -> String? {
        guard header.contains("rel=\"next\""), let open = header.firstIndex(of: "<"),
            let close = header.firstIndex(of: ">"), open < close
        else { return nil }
        return String(header[header.index(after: open)..<close])
    }

    private func failure(_ operation: String, _ response: Response) -> RegistryError {
        if response.status == .unauthorized {
            return credentials == nil
                ? .authenticationRequired(host: endpoint.host) : .authenticationFailed(host: endpoint.host)
        }
        return .failed(operation: operation, status: Int(response.status.code), errors: response.errorCodes)
    }

    struct Response {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: Data

        var errorCodes: [RegistryErrorCode] {
            struct Body: Decodable { var errors: [RegistryErrorCode]? }
            return (try? JSONDecoder().decode(Body.self, from: body))?.errors ?? []
        }
    }

    /// Sends a request, retrying transient failures (resets, timeouts, truncated answers, 429 and 5xx)
    /// with backoff when `retrying`: reads, manifest writes and new upload sessions are safe to repeat;
    /// the bytes of an upload session are not (the whole upload restarts instead).
    private func send(
        _ method: HTTPMethod, _ url: String, headers: [String: String] = [:],
        body: (@Sendable () -> HTTPClientRequest.Body)? = nil, scope: String, operation: String,
        retrying: Bool = true, limit: Int = RegistryClient.maximumBody
    ) async throws -> Response {
        try await retry.run(retrying: retrying, onRetry: { await statistics.retried() }) {
            let response = try await exchange(
                method, url, headers: headers, body: body, scope: scope, operation: operation, limit: limit)
            let status = response.status.code
            guard status == 429 || (500...504).contains(status) else { return .done(response) }
            return .tryAgain(response, retryAfter: response.headers.first(name: "Retry-After"))
        }
    }

    /// The most a registry answer may hold (a manifest, a tag page, a blob without a known size).
    static let maximumBody = 512 << 20
    static let maximumTagPages = 1_000
    /// The OCI distribution spec lets registries refuse manifests over 4 MiB; none Lockmaster reads is larger.
    public static let maximumManifest = 4 << 20
    static let maximumRedirects = 5

    /// One exchange, answering an authentication challenge once and following redirects of reads;
    /// `Authorization` goes only to the registry's own origin (scheme, host and port), never to a
    /// redirect target, an upload `Location` or a `Link` page elsewhere.
    private func exchange(
        _ method: HTTPMethod, _ url: String, headers: [String: String],
        body: (@Sendable () -> HTTPClientRequest.Body)?, scope: String, operation: String, limit: Int
    ) async throws -> Response {
        var target = url
        var redirects = 0
        var challenged = false
        while true {
            var request = HTTPClientRequest(url: target)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if endpoint.isSameOrigin(target), let authorization = try await authorization(for: scope) {
                request.headers.add(name: "Authorization", value: authorization)
            }
            if let body {
                request.body = body()
            } else if method == .PUT || method == .POST || method == .PATCH {
                request.body = .bytes(ByteBuffer())
            }
            let response: HTTPClientResponse
            do {
                response = try await http.execute(request, timeout: timeout)
            } catch {
                let failure = NetworkFailure.classify(error)
                Trace.request(method.rawValue, target, outcome: "\(failure)")
                throw RegistryError.unreachable(host: endpoint.host, operation: operation, failure: failure)
            }
            // Larger than announced or allowed is not a network fault: it is never retried.
            if let announced = response.headers.first(name: "Content-Length").flatMap(Int.init), announced > limit {
                Trace.request(method.rawValue, target, outcome: "\(response.status.code), \(announced) bytes")
                throw RegistryError.tooLarge(what: "the answer to \(operation)", limit: limit)
            }
            let data: Data
            do {
                data = Data((try await response.body.collect(upTo: limit)).readableBytesView)
            } catch is NIOTooManyBytesError {
                throw RegistryError.tooLarge(what: "the answer to \(operation)", limit: limit)
            } catch {
                let failure = NetworkFailure.classify(error)
                Trace.request(method.rawValue, target, outcome: "\(failure)")
                throw RegistryError.unreachable(host: endpoint.host, operation: operation, failure: failure)
            }
            Trace.request(method.rawValue, target, outcome: "\(response.status.code)")
            if response.status == .unauthorized, endpoint.isSameOrigin(target) {
                if !challenged,
                    let challenge = response.headers.first(name: "WWW-Authenticate").flatMap(AuthChallenge.init)
                {
                    challenged = true
                    await auth.update(challenge, invalidating: scope)
                    continue
                }
                if challenged {
                    throw credentials == nil
                        ? RegistryError.authenticationRequired(host: endpoint.host)
                        : RegistryError.authenticationFailed(host: endpoint.host)
                }
            }
            if [301, 302, 303, 307, 308].contains(response.status.code), method == .GET || method == .HEAD,
                let location = response.headers.first(name: "Location")
            {
                redirects += 1
                guard redirects <= Self.maximumRedirects else {
                    throw RegistryError.unexpectedResponse(
                        operation: operation, reason: "more than \(Self.maximumRedirects) redirects")
                }
                guard let next = URL(string: location, relativeTo: URL(string: target))?.absoluteURL.absoluteString,
                    next.hasPrefix("https://") || next.hasPrefix("http://")
                else {
                    throw RegistryError.unexpectedResponse(
                        operation: operation, reason: "a redirect to an invalid location")
                }
                target = next
                continue
            }
            return Response(status: response.status, headers: response.headers, body: data)
        }
    }

    private func authorization(for scope: String) async throws -> String? {
        guard let challenge = await auth.challenge else { return nil }
        switch challenge.scheme {
        case "basic":
            return credentials?.basicAuthorization
        case "bearer":
            if let token = await auth.token(for: scope) { return "Bearer \(token)" }
            let token = try await fetchToken(challenge, scope: scope)
            await auth.store(token, for: scope)
            return "Bearer \(token)"
        default:
            return nil
        }
    }

    /// The token service named by a Bearer challenge (distribution's token authentication).
    private func fetchToken(_ challenge: AuthChallenge, scope: String) async throws -> String {
        guard let realm = challenge.parameters["realm"], var components = URLComponents(string: realm) else {
            throw RegistryError.unexpectedResponse(
                operation: "authenticating", reason: "a Bearer challenge without a realm")
        }
        if components.scheme == "http", components.host != endpoint.hostName, credentials != nil {
            throw RegistryError.unsafeRedirect(
                operation: "authenticating",
                reason: "the token realm \(realm) is plain http on another host than \(endpoint.host)")
        }
        var items = components.queryItems ?? []
        if let service = challenge.parameters["service"] { items.append(URLQueryItem(name: "service", value: service)) }
        for part in scope.split(separator: " ") { items.append(URLQueryItem(name: "scope", value: String(part))) }
        components.queryItems = items
        guard let url = components.string else {
            throw RegistryError.unexpectedResponse(operation: "authenticating", reason: "an invalid token realm")
        }
        var request = HTTPClientRequest(url: url)
        if let credentials { request.headers.add(name: "Authorization", value: credentials.basicAuthorization) }
        let response: HTTPClientResponse
        do { response = try await http.execute(request, timeout: timeout) } catch {
            let failure = NetworkFailure.classify(error)
            Trace.request("GET", url, outcome: "\(failure)")
            throw RegistryError.unreachable(host: components.host ?? realm, operation: nil, failure: failure)
        }
        Trace.request("GET", url, outcome: "\(response.status.code)")
        let data = Data((try await response.body.collect(upTo: 1 << 20)).readableBytesView)
        guard response.status == .ok else {
            if response.status == .unauthorized || response.status == .forbidden {
                throw credentials == nil
                    ? RegistryError.authenticationRequired(host: endpoint.host)
                    : RegistryError.authenticationFailed(host: endpoint.host)
            }
            throw RegistryError.failed(operation: "fetching a token", status: Int(response.status.code), errors: [])
        }
        struct Token: Decodable {
            var token: String?
            var accessToken: String?

            private enum CodingKeys: String, CodingKey {
                case token
                case accessToken = "access_token"
            }
        }
        guard let body = try? JSONDecoder().decode(Token.self, from: data), let token = body.token ?? body.accessToken
        else {
            throw RegistryError.unexpectedResponse(
                operation: "authenticating", reason: "the token service sent no token")
        }
        return token
    }
}

/// The challenge seen and the tokens fetched, per scope.
actor AuthState {
    private(set) var challenge: AuthChallenge?
    private var tokens: [String: String] = [:]

    func update(_ challenge: AuthChallenge, invalidating scope: String) {
        self.challenge = challenge
        tokens[scope] = nil
    }

    func token(for scope: String) -> String? { tokens[scope] }
    func store(_ token: String, for scope: String) { tokens[scope] = token }
}

/// A byte range of a file as `ByteBuffer`s of 1 MiB, read as the upload consumes them; `progress`
/// hears the file offset reached after each read.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let url: URL
    let offset: UInt64
    let length: UInt64
    let progress: UploadProgress?

    struct AsyncIterator: AsyncIteratorProtocol {
        let handle: FileHandle?
        var position: UInt64
        var remaining: UInt64
        let progress: UploadProgress?

        mutating func next() async throws -> ByteBuffer? {
            guard remaining > 0, let handle else { return nil }
            guard let data = try handle.read(upToCount: Int(Swift.min(remaining, 1 << 20))), !data.isEmpty else {
                return nil
            }
            remaining -= UInt64(data.count)
            position += UInt64(data.count)
            progress?(position)
            return ByteBuffer(bytes: data)
        }
    }

    /// A file that cannot be opened yields nothing; the request then fails its length check.
    func makeAsyncIterator() -> AsyncIterator {
        let handle = FileHandle(forReadingAtPath: url.path)
        try? handle?.seek(toOffset: offset)
        return AsyncIterator(handle: handle, position: offset, remaining: length, progress: progress)
    }
}
