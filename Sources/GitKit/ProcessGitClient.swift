public import Foundation
public import Support

/// `GitClient` backed by the `git` program, run through a `ProcessRunner`.
public struct ProcessGitClient: GitClient {
    let runner: any ProcessRunner
    let environment: [String: String]

    /// - Parameters:
    ///   - runner: runs git; the system runner by default.
    ///   - environment: extra variables for every git call (tests use it for hermetic config).
    public init(runner: any ProcessRunner = SystemProcessRunner(), environment: [String: String] = [:]) {
        self.runner = runner
        // Never stop to ask for credentials or an editor.
        self.environment = ["GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true"].merging(environment) { _, new in new }
    }

    @discardableResult
    func git(_ arguments: [String], in directory: URL) async throws -> ProcessOutput {
        try await runner.checkedRun(invocation(arguments, in: directory))
    }

    func invocation(_ arguments: [String], in directory: URL) -> ProcessInvocation {
        ProcessInvocation("git", ["-C", directory.path] + arguments, environment: environment)
    }

    public func workTreeRoot(containing directory: URL) async throws -> URL? {
        let output = try await runner.run(invocation(["rev-parse", "--show-toplevel"], in: directory))
        guard output.status == 0 else { return nil }
        let path = output.stdout.trimmingCharacters(in: .newlines)
        return path.isEmpty ? nil : URL(fileURLWithPath: path, isDirectory: true)
    }

    public func initialize(at directory: URL, initialBranch: String) async throws {
        try await git(["init", "--quiet", "--initial-branch=\(initialBranch)"], in: directory)
    }

    public func remoteURL(named name: String, in repository: URL) async throws -> String? {
        // The URL as configured: `remote get-url` applies `url.<base>.insteadOf` rewrites (a mirror, a
        // proxy), and what a Flux source names is the URL as written.
        let output = try await runner.run(invocation(["config", "--get-all", "remote.\(name).url"], in: repository))
        guard output.status == 0 else { return nil }
        let url = (output.stdout.split(separator: "\n").first.map(String.init) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return url.isEmpty ? nil : url
    }

    public func authorEmail(in repository: URL) async throws -> String? {
        // "Name <email> 1700000000 +0000", from the environment and configuration as git commit reads them.
        let output = try await runner.run(invocation(["var", "GIT_AUTHOR_IDENT"], in: repository))
        guard output.status == 0, let open = output.stdout.firstIndex(of: "<"),
            let close = output.stdout[open...].firstIndex(of: ">")
        else { return nil }
        let email = String(output.stdout[output.stdout.index(after: open)..<close])
        return email.isEmpty ? nil : email
    }

    public func remoteDefaultBranch(in repository: URL) async throws -> String? {
        let output = try await runner.run(
            invocation(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], in: repository))
        let ref = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard output.status == 0, ref.hasPrefix("refs/remotes/origin/") else { return nil }
        let branch = String(ref.dropFirst("refs/remotes/origin/".count))
        return branch.isEmpty ? nil : branch
    }

    public func add(_ paths: [String], in repository: URL) async throws {
        // -A: what was removed under the paths is staged as removed too.
        try await git(["add", "-A", "--"] + paths, in: repository)
    }

    public func commit(message: String, in repository: URL) async throws -> String {
        // The message goes on stdin so that an error names a short command, not the whole message.
        var commit = invocation(["commit", "--quiet", "--file=-"], in: repository)
        commit.standardInput = Data(message.utf8)
        _ = try await runner.checkedRun(commit)
        return try await git(["rev-parse", "HEAD"], in: repository).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    public func currentBranch(in repository: URL) async throws -> String? {
        let output = try await runner.run(invocation(["symbolic-ref", "--quiet", "--short", "HEAD"], in: repository))
        guard output.status == 0 else { return nil }
        return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func status(in repository: URL) async throws -> [StatusEntry] {
        StatusEntry.parse(
            try await git(["status", "--porcelain=v1", "-z", "--untracked-files=all"], in: repository).stdout)
    }

    public func ignoredFiles(under paths: [String], in repository: URL) async throws -> [String] {
        try await git(["ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--"] + paths, in: repository)
            .stdout.split(separator: "\0").map(String.init)
    }

    public func head(in repository: URL) async throws -> (commit: String, time: Int) {
        let output = try await git(["show", "-s", "--format=%H %ct", "HEAD"], in: repository).stdout
        let parts = output.split(separator: " ")
        guard parts.count == 2, let time = Int(parts[1].trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ProcessError.failed(
                invocation: invocation(["show", "-s", "--format=%H %ct", "HEAD"], in: repository),
                status: 0, stderr: "unexpected output: \(output)")
        }
        return (String(parts[0]), time)
    }

    public func status(of paths: [String], in repository: URL) async throws -> [StatusEntry] {
        StatusEntry.parse(
            try await git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--"] + paths, in: repository)
                .stdout)
    }

    public func branchExists(_ name: String, in repository: URL) async throws -> Bool {
        try await branches(in: repository).contains { ref in
            ref == "refs/heads/\(name)"
                || (ref.hasPrefix("refs/remotes/")
                    && ref.split(separator: "/", maxSplits: 3).last.map(String.init) == name)
        }
    }

    public func createBranch(_ name: String, from base: String, in repository: URL) async throws {
        try await git(["switch", "--quiet", "--create", Self.revision(name), Self.revision(base)], in: repository)
    }

    public func switchBranch(_ name: String, in repository: URL) async throws {
        try await git(["switch", "--quiet", Self.revision(name)], in: repository)
    }

    public func deleteBranch(_ name: String, in repository: URL) async throws {
        try await git(["branch", "--quiet", "-D", Self.revision(name)], in: repository)
    }

    public func branches(in repository: URL) async throws -> [String] {
        try await git(["for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes"], in: repository)
            .stdout.split(separator: "\n").map(String.init).filter { !$0.hasSuffix("/HEAD") }
    }

    public func resolve(_ ref: String, in repository: URL) async throws -> String? {
        let output = try await runner.run(
            invocation(["rev-parse", "--verify", "--quiet", "\(Self.revision(ref))^{commit}"], in: repository))
        return output.status == 0 ? output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    public func mergeBase(_ a: String, _ b: String, in repository: URL) async throws -> String? {
        let output = try await runner.run(
            invocation(["merge-base", Self.revision(a), Self.revision(b)], in: repository))
        return output.status == 0 ? output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    public func changes(since base: String, in repository: URL) async throws -> [(status: Character, path: String)] {
        var result = Self.nameStatus(
            try await git(["diff", "--name-status", "--no-renames", "-z", Self.revision(base)], in: repository).stdout)
        let untracked = try await git(["ls-files", "-z", "--others", "--exclude-standard"], in: repository).stdout
        result += untracked.split(separator: "\0").map { ("A", String($0)) }
        return result
    }

    public func changes(from base: String, to head: String, in repository: URL) async throws -> [(
        status: Character, path: String
    )] {
        Self.nameStatus(
            try await git(
                ["diff", "--name-status", "--no-renames", "-z", Self.revision(base), Self.revision(head)],
                in: repository
            ).stdout)
    }

    /// `git diff --name-status -z` output: a status letter and a path, NUL after each.
    private static func nameStatus(_ output: String) -> [(status: Character, path: String)] {
        let fields = output.split(separator: "\0", omittingEmptySubsequences: true).map(String.init)
        return stride(from: 0, to: fields.count - 1, by: 2).map { (fields[$0].first ?? "M", fields[$0 + 1]) }
    }

    public func files(at ref: String, under path: String, in repository: URL) async throws -> [String] {
        // The whole tree is "." to git; an empty pathspec is an error.
        try await git(
            ["ls-tree", "-r", "-z", "--name-only", Self.revision(ref), "--", path.isEmpty ? "." : path], in: repository
        )
        .stdout.split(separator: "\0").map(String.init)
    }

    public func contents(of path: String, at ref: String, in repository: URL) async throws -> Data {
        try await git(["show", "\(Self.revision(ref)):\(path)"], in: repository).standardOutput
    }

    public func commits(on ref: String, touching path: String?, limit: Int?, in repository: URL) async throws -> [(
        commit: String, time: Int
    )] {
        let output = try await git(
            ["log", "--format=%H %ct"] + (limit.map { ["-n", String($0)] } ?? []) + [Self.revision(ref)]
                + (path.map { ["--", $0] } ?? []),
            in: repository
        ).stdout
        return output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let time = Int(parts[1]) else { return nil }
            return (String(parts[0]), time)
        }
    }

    public func aheadBehind(_ a: String, _ b: String, in repository: URL) async throws -> (onlyA: Int, onlyB: Int) {
        let parts = try await git(
            ["rev-list", "--left-right", "--count", "\(Self.revision(a))...\(Self.revision(b))"], in: repository
        ).stdout
            .split(whereSeparator: { $0 == "\t" || $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : (0, 0)
    }

    public func isAncestor(_ a: String, of b: String, in repository: URL) async throws -> Bool {
        try await runner.run(
            invocation(["merge-base", "--is-ancestor", Self.revision(a), Self.revision(b)], in: repository)
        ).status == 0
    }

    /// Merges `branch` into the current branch with a merge commit (used by the demo).
    public static func merge(_ branch: String, in repository: URL, environment: [String: String]) async throws -> String
    {
        let client = ProcessGitClient(environment: environment)
        try await client.git(["merge", "--quiet", "--no-ff", "--no-edit", branch], in: repository)
        return try await client.git(["rev-parse", "HEAD"], in: repository).stdout.trimmingCharacters(
            in: .whitespacesAndNewlines)
    }

    public func log(of path: String, in repository: URL) async throws -> [(commit: String, author: String, time: Int)] {
        let output = try await git(["log", "--reverse", "--format=%H%x00%an%x00%ct", "--", path], in: repository).stdout
        return output.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\0", omittingEmptySubsequences: false)
            guard parts.count == 3, let time = Int(parts[2]) else { return nil }
            return (String(parts[0]), String(parts[1]), time)
        }
    }

    public func unstage(_ paths: [String], in repository: URL) async throws {
        try await git(["rm", "-r", "-q", "--cached", "--ignore-unmatch", "--"] + paths, in: repository)
    }

    public func restore(_ paths: [String], in repository: URL) async throws {
        try await git(["checkout", "--quiet", "HEAD", "--"] + paths, in: repository)
    }
}
