public import Support

/// The merge guard's rules, each with its id as printed after a finding.
public enum CheckRule: String, Sendable, Codable, CaseIterable {
    case syncFileChanged = "sync-file-changed"
    case sandboxInMain = "sandbox-in-main"
    case developmentTracksMain = "development-tracks-main"
    case stagingPatchRange = "staging-patch-range"
    case productionPinned = "production-pinned"
    case danglingSourceRef = "dangling-source-ref"
    case danglingDependsOn = "dangling-depends-on"
    case dependsOnCycle = "depends-on-cycle"
    case duplicateObject = "duplicate-object"
    case buildFailed = "build-failed"
    case notRendered = "not-rendered"
    case unpinnedChart = "unpinned-chart"
    case deprecatedAPI = "deprecated-api"
    case parseError = "parse-error"
    case symlink = "symlink"
    case unverifiedSource = "unverified-source"
    case sandboxExpired = "sandbox-expired"
    case settingsChanged = "settings-changed"
    case environmentRemoved = "environment-removed"
    case sourceIgnoreChanged = "source-ignore-changed"
}

/// One finding: `path:line:col: error|warning: message [rule-id]`, with a hint to fix it.
public struct CheckFinding: Sendable, Codable, Hashable {
    public var rule: CheckRule
    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var hint: String?

    public init(
        _ rule: CheckRule, _ severity: Severity, at location: SourceLocation, _ message: String, hint: String? = nil
    ) {
        self.rule = rule
        self.severity = severity
        self.location = location
        self.message = message
        self.hint = hint
    }
}

/// What `check` found (`-o json`).
public struct CheckReport: Sendable, Codable, Equatable {
    /// The revision the change was compared with (the empty tree before the first commit).
    public var base: String?
    /// Where that revision came from: `--base`, the branch of record (`main`), or its remote-tracking
    /// branch (`origin/main`) in a clone without the local branch.
    public var baseRef: String?
    /// The branch of record the rules used, and where it came from (`lockmaster.yaml`, `origin/HEAD`,
    /// an existing `main` or `master`).
    public var branch: String?
    public var branchSource: String?
    public var findings: [CheckFinding]
    /// Findings a `# lockmaster:ignore=rule-id` comment silenced.
    public var silenced: [CheckFinding]
    /// Rules not applied here, and why.
    public var notes: [String] = []
    /// Where the settings came from (the base's lockmaster.yaml), and how builds were confined, in words.
    public var settings: String?
    public var builds: String?
    /// Every rule, with the severity it applied at and whether lockmaster.yaml set it.
    public var rules: [RuleState] = []
    public var errors: Int { findings.filter { $0.severity == .error }.count }
    public var warnings: Int { findings.filter { $0.severity == .warning }.count }

    enum CodingKeys: String, CodingKey {
        case base, baseRef, branch, branchSource, findings, silenced, notes, settings, builds, rules, errors, warnings
    }

    public init(base: String?, findings: [CheckFinding], silenced: [CheckFinding]) {
        self.base = base
        self.findings = findings
        self.silenced = silenced
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        base = try container.decodeIfPresent(String.self, forKey: .base)
        baseRef = try container.decodeIfPresent(String.self, forKey: .baseRef)
        branch = try container.decodeIfPresent(String.self, forKey: .branch)
        branchSource = try container.decodeIfPresent(String.self, forKey: .branchSource)
        findings = try container.decode([CheckFinding].self, forKey: .findings)
        silenced = try container.decode([CheckFinding].self, forKey: .silenced)
        notes = try container.decodeIfPresent([String].self, forKey: .notes) ?? []
        settings = try container.decodeIfPresent(String.self, forKey: .settings)
        builds = try container.decodeIfPresent(String.self, forKey: .builds)
        rules = try container.decodeIfPresent([RuleState].self, forKey: .rules) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(base, forKey: .base)
        try container.encodeIfPresent(baseRef, forKey: .baseRef)
        try container.encodeIfPresent(branch, forKey: .branch)
        try container.encodeIfPresent(branchSource, forKey: .branchSource)
        try container.encode(findings, forKey: .findings)
        try container.encode(silenced, forKey: .silenced)
        try container.encode(notes, forKey: .notes)
        try container.encodeIfPresent(settings, forKey: .settings)
        try container.encodeIfPresent(builds, forKey: .builds)
        try container.encode(rules, forKey: .rules)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
    }
}
