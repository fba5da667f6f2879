import Artifacts
public import Foundation
public import GitKit
import Manifests
import Platform
import Support

/// What `lockmaster promote app NAME --from ENV --to ENV` is asked to do.
public struct AppPromoteRequest: Sendable {
    public var repository: URL
    public var name: String
    public var from: String
    public var to: String
    /// Also copy `spec.values`.
    public var values: Bool
    public var branch: PromoteRequest.Branch

    public init(
        repository: URL, name: String, from: String, to: String, values: Bool = false,
        branch: PromoteRequest.Branch = .automatic
    ) {
        self.repository = repository
        self.name = name
        self.from = from
        self.to = to
        self.values = values
        self.branch = branch
    }
}

/// What an application promotion did (`-o json`).
public struct AppPromoteReport: Sendable, Codable, Equatable {
    public var name: String
    public var from: String
    public var to: String
    public var fromVersion: String
    public var previousVersion: String?
    public var valuesCopied: Bool
    public var file: String
    public var branch: String
    public var commit: String
}

/// Why an application promotion was refused; nothing was changed.
public enum AppPromoteError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(name: String, environment: String, directory: String)
    case noVersion(name: String, environment: String)
    case backwards(name: String, from: String, to: String, environment: String)
    case nothingToDo(name: String, version: String)

    public var description: String {
        switch self {
        case .missing(let name, let environment, let directory):
            return
                "no HelmRelease \(name) under \(directory)/apps in \(environment); application promotion copies between two environments that both have it"
        case .noVersion(let name, let environment):
            return "HelmRelease \(name) in \(environment) has no spec.chart.spec.version to copy"
        case .backwards(let name, let from, let to, let environment):
            return
                "\(name) would go backwards in \(environment): \(to) there is newer than \(from); promote forward only"
        case .nothingToDo(let name, let version):
            return
                "\(name) is already at \(version) in both environments; nothing to do (use --values to copy the values too)"
        }
    }
}

/// Copies a HelmRelease's chart version (and values) from one environment's `apps/` to the next.
public struct AppPromoter: Sendable {
    private let git: any GitClient

    public init(git: any GitClient = ProcessGitClient()) {
        self.git = git
    }

    public func run(_ request: AppPromoteRequest) async throws -> AppPromoteReport {
        let root = request.repository
        try await WorkTreeChange(git: git, root: root).requireClean { RepositoryStateError.dirty($0, .promote) }
        let repository = try PlatformRepository.load(root: root)
        func release(in name: String) throws -> HelmRelease {
            guard let environment = repository.environment(named: name) else {
                throw RepositoryStateError.unknownEnvironment(name, in: repository)
            }
            guard
                let release = environment.objects.filter({
                    $0.location.path.hasPrefix(environment.directory + "/apps/")
                })
                .compactMap(HelmRelease.init).first(where: { $0.object.name == request.name })
            else {
                throw AppPromoteError.missing(name: request.name, environment: name, directory: environment.directory)
            }
            return release
        }
        let source = try release(in: request.from)
        let target = try release(in: request.to)
        guard let version = source.chart?.version else {
            throw AppPromoteError.noVersion(name: request.name, environment: request.from)
        }
        let previous = target.chart?.version
        if let previous, let old = SemanticVersion(previous), let new = SemanticVersion(version),
            new.compare(to: old) < 0
        {
            throw AppPromoteError.backwards(name: request.name, from: version, to: previous, environment: request.to)
        }
        if previous == version, !request.values {
            throw AppPromoteError.nothingToDo(name: request.name, version: version)
        }

        let branch: WorkTreeChange.Branch =
            switch request.branch {
            case .automatic:
                .new("promote/app-\(request.name)-\(request.to)-\(version)", from: repository.settings.branch)
            case .named(let name): .new(name, from: repository.settings.branch)
            case .current: .current
            }
        let file = target.object.location.path
        let message = """
            Promote \(request.name) \(version) from \(request.from) to \(request.to)

            chart version: \(previous ?? "-") → \(version)\(request.values ? "\nvalues: copied from \(request.from)" : "")
            """
        let copyValues = request.values
        let done = try await WorkTreeChange(git: git, root: root).commit(
            on: branch, paths: [file], message: { _ in message }
        ) {
            let selector = { (object: KubernetesObject) in
                ObjectSelector(
                    kind: "HelmRelease", name: object.name ?? "", namespace: object.effectiveNamespace,
                    group: object.group)
            }
            let url = root.appendingPathComponent(file)
            try ScalarEditor.edit(
                file: url, displayPath: file, selector: selector(target.object),
                path: ["spec", "chart", "spec", "version"], value: version)
            if copyValues {
                let sourceText = try String(
                    contentsOf: root.appendingPathComponent(source.object.location.path), encoding: .utf8)
                let targetText = try String(contentsOf: url, encoding: .utf8)
                let result = try BlockEditor.copyBlock(
                    path: ["spec", "values"], from: (sourceText, selector(source.object)),
                    into: (targetText, selector(target.object)), displayPath: file)
                try AtomicFile.write(Data(result.utf8), to: url)
            }
        }
        return AppPromoteReport(
            name: request.name, from: request.from, to: request.to, fromVersion: version, previousVersion: previous,
            valuesCopied: request.values, file: file, branch: done.branch, commit: done.commit)
    }
}
