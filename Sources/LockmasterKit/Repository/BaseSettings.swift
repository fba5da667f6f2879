public import Foundation
public import GitKit
public import Platform
import Support

/// `lockmaster.yaml` as the base revision has it. Everything that decides what `check` and `diff`
/// inspect, how, and with what limits (the clusters directory, platform paths, environments, branch,
/// limits, trusted keys, signing requirements, hooks) comes from here, never from the change under
/// review: a branch cannot switch the guard off by editing the file the guard reads.
struct BaseSettings: Sendable {
    var settings: LockmasterSettings
    /// The file's text at the base; nil when the base has none (the defaults apply).
    var text: String?
    var revision: String

    /// A settings file is a few hundred bytes; more than this is not one.
    static let sizeLimit = 256 << 10

    enum ReadError: Error, CustomStringConvertible {
        case unreadable(revision: String, reason: String)
        case invalid(revision: String, SettingsError)

        var description: String {
            switch self {
            case .unreadable(let revision, let reason):
                "\(LockmasterSettings.fileName) at the base (\(revision.prefix(12))) cannot be used: \(reason); check and diff read their settings from the base only"
            case .invalid(let revision, let error):
                "\(LockmasterSettings.fileName) at the base (\(revision.prefix(12))) is not valid, and check and diff read their settings from the base only:\n\(error)"
            }
        }
    }

    /// - Parameter revision: a commit, or git's empty tree (no commit yet: the defaults).
    static func read(at revision: String, root: URL, git: any GitClient) async throws -> BaseSettings {
        let name = LockmasterSettings.fileName
        guard revision != WellKnownRevision.emptyTree,
            try await git.files(at: revision, under: name, in: root).contains(name)
        else {
            return BaseSettings(settings: LockmasterSettings(), text: nil, revision: revision)
        }
        let data = try await git.contents(of: name, at: revision, in: root)
        guard data.count <= sizeLimit else {
            throw ReadError.unreadable(revision: revision, reason: "it is larger than \(sizeLimit >> 10) KiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReadError.unreadable(revision: revision, reason: "it is not UTF-8 text")
        }
        do {
            return BaseSettings(settings: try SettingsLoader.parse(text, path: name), text: text, revision: revision)
        } catch {
            throw ReadError.invalid(revision: revision, error)
        }
    }
}

/// The settings as the branch of record has them, for what tears sandboxes down: `sandbox gc` and
/// `sandbox delete` run on a sandbox's branch, whose own lockmaster.yaml must not pick their hooks,
/// contexts or the names they may collect.
public enum BranchOfRecordSettings {
    public enum Missing: Error, CustomStringConvertible {
        case noBranch(String)
        public var description: String {
            switch self {
            case .noBranch(let name):
                "the branch of record \(name) is not here (neither \(name) nor origin/\(name)): its lockmaster.yaml decides what a teardown may do; fetch it first"
            }
        }
    }

    /// The branch of record's settings (with `branch` set) and its tip.
    public static func read(root: URL, git: any GitClient = ProcessGitClient()) async throws -> (
        settings: LockmasterSettings, tip: String
    ) {
        let name = await trustedBranch(root: root, git: git)
        guard let tip = try await tip(of: name, root: root, git: git) else { throw Missing.noBranch(name) }
        var settings = try await BaseSettings.read(at: tip, root: root, git: git).settings
        settings.branch = name
        return (settings, tip)
    }

    /// The branch of record, decided by what a branch cannot change: the remote's default branch
    /// (`origin/HEAD`), else `main`, else `master`; only where none exists, the work tree's `branch`
    /// (never `HEAD`, never the branch checked out). Then the `branch` that branch's own lockmaster.yaml
    /// names, when that exists: a setting the branch of record holds is trusted.
    static func trustedBranch(root: URL, git: any GitClient) async -> String {
        var candidates: [String] = []
        if let remote = try? await git.remoteDefaultBranch(in: root) { candidates.append(remote) }
        candidates += ["main", "master"]
        let current = try? await git.currentBranch(in: root)
        if let named = try? SettingsLoader.load(repositoryRoot: root).branch, named != current {
            candidates.append(named)
        }
        var chosen = "main"
        for candidate in candidates where candidate != "HEAD" {
            if (try? await tip(of: candidate, root: root, git: git)) ?? nil != nil {
                chosen = candidate
                break
            }
        }
        // One step: the branch of record's own settings may name another branch of record.
        if let tip = (try? await tip(of: chosen, root: root, git: git)) ?? nil,
            let named = (try? await BaseSettings.read(at: tip, root: root, git: git))?.settings.branch, named != chosen,
            named != "HEAD",
            (try? await Self.tip(of: named, root: root, git: git)) ?? nil != nil
        {
            return named
        }
        return chosen
    }

    /// The commit a branch (local, else origin's) points at; nil when neither exists.
    static func tip(of branch: String, root: URL, git: any GitClient) async throws -> String? {
        for ref in ["refs/heads/\(branch)", "refs/remotes/origin/\(branch)"] {
            if let commit = try await git.resolve(ref, in: root) { return commit }
        }
        return nil
    }
}
